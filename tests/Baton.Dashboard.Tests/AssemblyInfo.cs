// One Chromium and one control plane at a time: the machines these run on are small, and timing-sensitive live
// updates are flaky when the browsers of several classes compete for the CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
