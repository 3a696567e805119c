using Baton.Providers.Container.Engine;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// Makes <c>container</c> provider instances. Settings: <c>endpoint</c> (default: <c>DOCKER_HOST</c>, then the
/// standard Docker socket), <c>tls_ca</c>/<c>tls_cert</c>/<c>tls_key</c>/<c>tls_verify</c> for a TCP endpoint, and
/// <c>roots</c> (default: the stack directory), the directories host paths must resolve inside. The engine is not
/// contacted here: the first call that needs it connects, so a stack whose engine is down still plans.
/// </summary>
public sealed class ContainerProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => ContainerSchema.Provider;

    /// <inheritdoc />
    public ValueTask<IProvider> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var instance = configuration.InstanceName;
        string? Text(string name)
        {
            return configuration.Setting(name) switch
            {
                null => null,
                { Kind: ValueKind.String } value => value.AsString(),
                var other => throw new ProviderConfigurationException(instance, name, $"expected a string, got {other}"),
            };
        }

        var stackDirectory = Path.GetFullPath(configuration.StackDirectory);
        string? File(string name) => Text(name) is { } path ? Path.GetFullPath(Path.Combine(stackDirectory, path)) : null;
        var verify = configuration.Setting("tls_verify") switch
        {
            null => true,
            { Kind: ValueKind.Bool } value => value.AsBool(),
            var other => throw new ProviderConfigurationException(instance, "tls_verify", $"expected true or false, got {other}"),
        };
        var tls = File("tls_ca") is null && File("tls_cert") is null && File("tls_key") is null && verify
            ? null
            : new DockerTls { CaCertificateFile = File("tls_ca"), ClientCertificateFile = File("tls_cert"), ClientKeyFile = File("tls_key"), Verify = verify };
        if (!DockerEndpoint.TryParse(Text("endpoint"), Environment.GetEnvironmentVariable("DOCKER_HOST"), tls, out var endpoint, out var endpointError))
        {
            throw new ProviderConfigurationException(instance, "endpoint", endpointError);
        }

        var given = configuration.Setting("roots") ?? Value.List(Value.String("."));
        if (given.Kind != ValueKind.List || given.AsList().IsEmpty || given.AsList().Any(r => r.Kind != ValueKind.String || r.AsString().Length == 0))
        {
            throw new ProviderConfigurationException(instance, "roots", $"expected a non-empty list of directory paths, got {given}");
        }

        var paths = ConfinedRoots.Read(configuration, "roots", [.. given.AsList().Select(r => r.AsString())]);
        return ValueTask.FromResult<IProvider>(new ContainerProvider(new EngineConnection(endpoint), paths, configuration.StackName, configuration.Time));
    }
}
