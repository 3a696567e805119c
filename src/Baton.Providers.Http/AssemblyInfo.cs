using Baton.Providers;
using Baton.Providers.Http;

[assembly: BatonProvider(typeof(HttpProviderFactory))]
