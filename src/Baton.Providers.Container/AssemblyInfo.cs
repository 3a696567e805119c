using Baton.Providers;
using Baton.Providers.Container;

[assembly: BatonProvider(typeof(ContainerProviderFactory))]
