using Baton.Runtime;

namespace Baton.Providers.S3;

/// <summary>
/// Makes <c>s3</c> provider instances. Settings (all optional): <c>endpoint</c> (AWS when left out), <c>region</c>
/// (us-east-1), <c>access_key</c> and <c>secret_key</c> (together; the SDK's default credentials when both are left
/// out), <c>force_path_style</c> (true when an endpoint is given), <c>file_root</c> (the stack directory). A bad
/// setting is a <see cref="ProviderSettingProblem"/> naming it; the endpoint is first contacted by the
/// first call that needs it.
/// </summary>
public sealed class S3ProviderFactory : IProviderFactory
{
    /// <inheritdoc />
    public ProviderSchema Schema => S3Schema.Provider;

    /// <inheritdoc />
    public ValueTask<ProviderCreation> CreateAsync(ProviderConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<ProviderSettingProblem>();
        string? Text(string name) => configuration.TextSetting(name, problems);

        var forcePathStyle = configuration.FlagSetting("force_path_style", problems);
        var (url, region, accessKey, secretKey) = (Text("endpoint"), Text("region"), Text("access_key"), Text("secret_key"));
        var root = Text("file_root") ?? ".";
        if (root.Length == 0)
        {
            problems.Add(new ProviderSettingProblem("file_root", "must not be empty"));
        }

        if (problems.Count > 0)
        {
            return ValueTask.FromResult(ProviderCreation.Failed(problems));
        }

        var (endpoint, setting, error) = S3Endpoint.Create(url, region, accessKey, secretKey, forcePathStyle);
        if (endpoint is null)
        {
            return ValueTask.FromResult(ProviderCreation.Failed(setting!, error!));
        }

        return ValueTask.FromResult(ConfinedRoots.Read(configuration, "file_root", [root], problems) is { } files
            ? ProviderCreation.Started(new S3Provider(endpoint, files))
            : ProviderCreation.Failed(problems));
    }
}
