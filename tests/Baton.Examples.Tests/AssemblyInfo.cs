// The shop's test classes each run a whole shop (replicas, nginx, a load loop): run side by side on a small machine
// they starve each other's rolling updates and health checks, so they run one after the other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
