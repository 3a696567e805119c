using Baton.Providers;
using Baton.Providers.Host;

[assembly: BatonProvider(typeof(HostProviderFactory))]
