using Baton.Providers;
using Baton.Providers.File;

[assembly: BatonProvider(typeof(FileProviderFactory))]
