using Baton.Providers;
using Baton.Providers.Sim;

[assembly: BatonProvider(typeof(SimProviderFactory))]
