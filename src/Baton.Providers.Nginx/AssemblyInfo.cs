using Baton.Providers;
using Baton.Providers.Nginx;

[assembly: BatonProvider(typeof(NginxProviderFactory))]
