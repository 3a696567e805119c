using Baton.Providers;
using Baton.Providers.Process;

[assembly: BatonProvider(typeof(ProcessProviderFactory))]
