using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.S3;

/// <summary>
/// Makes <c>s3</c> provider instances. Settings (all optional): <c>endpoint</c> (AWS when left out), <c>region</c>
/// (us-east-1), <c>access_key</c> and <c>secret_key</c> (together; the SDK's default credentials when both are left
/// out), <c>force_path_style</c> (true when an endpoint is given), <c>file_root</c> (the stack directory). A bad
/// setting throws <see cref="ProviderConfigurationException"/> naming it; the endpoint is first contacted by the
/// first call that needs it.
/// </summary>
public sealed class S3ProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => S3Schema.Provider;

    /// <inheritdoc />
    public ValueTask<IProvider> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var instance = configuration.InstanceName;

        string? Text(string name)
        {
            var value = configuration.Setting(name);
            return value is null ? null
                : value.Kind == ValueKind.String ? value.WithoutSensitivity().AsString()
                : throw new ProviderConfigurationException(instance, name, "must be a string");
        }

        bool? forcePathStyle = configuration.Setting("force_path_style") switch
        {
            null => null,
            { Kind: ValueKind.Bool } flag => flag.AsBool(),
            _ => throw new ProviderConfigurationException(instance, "force_path_style", "must be true or false"),
        };
        var (endpoint, setting, error) = S3Endpoint.Create(Text("endpoint"), Text("region"), Text("access_key"), Text("secret_key"), forcePathStyle);
        if (endpoint is null)
        {
            throw new ProviderConfigurationException(instance, setting!, error!);
        }

        var root = Text("file_root") ?? ".";
        if (root.Length == 0)
        {
            throw new ProviderConfigurationException(instance, "file_root", "must not be empty");
        }

        return ValueTask.FromResult<IProvider>(new S3Provider(endpoint, ConfinedRoots.Read(configuration, "file_root", [root])));
    }
}
