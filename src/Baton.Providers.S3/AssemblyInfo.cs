using Baton.Providers;
using Baton.Providers.S3;

[assembly: BatonProvider(typeof(S3ProviderFactory))]
