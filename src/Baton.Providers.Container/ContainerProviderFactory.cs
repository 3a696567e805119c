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
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        string? Text(string name) => configuration.TextSetting(name, problems);

        var stackDirectory = Path.GetFullPath(configuration.StackDirectory);
        string? File(string name) => Text(name) is { } path ? Path.GetFullPath(Path.Combine(stackDirectory, path)) : null;
        var verify = configuration.FlagSetting("tls_verify", problems) ?? true;
        var (ca, cert, key, endpointText) = (File("tls_ca"), File("tls_cert"), File("tls_key"), Text("endpoint"));
        var given = configuration.Setting("roots") ?? Value.List(Value.String("."));
        var rootsValid = given.Kind == ValueKind.List && !given.AsList().IsEmpty && given.AsList().All(r => r.Kind == ValueKind.String && r.AsString().Length > 0);
        if (!rootsValid)
        {
            problems.Add(new ProviderSettingProblem("roots", $"expected a non-empty list of directory paths, got {given}"));
        }

        if (problems.Count > 0)
        {
            return ValueTask.FromResult(ProviderCreation.Failed(problems));
        }

        var tls = ca is null && cert is null && key is null && verify
            ? null
            : new DockerTls { CaCertificateFile = ca, ClientCertificateFile = cert, ClientKeyFile = key, Verify = verify };
        if (!DockerEndpoint.TryParse(endpointText, Environment.GetEnvironmentVariable("DOCKER_HOST"), tls, out var endpoint, out var endpointError))
        {
            problems.Add(new ProviderSettingProblem("endpoint", endpointError));
        }

        var paths = ConfinedRoots.Read(configuration, "roots", [.. given.AsList().Select(r => r.AsString())], problems);
        return ValueTask.FromResult(paths is not null && problems.Count == 0
            ? ProviderCreation.Started(new ContainerProvider(new EngineConnection(endpoint!), paths, configuration.StackName, configuration.Time))
            : ProviderCreation.Failed(problems));
    }
}
