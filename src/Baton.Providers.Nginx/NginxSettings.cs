using Baton.Values;

namespace Baton.Providers.Nginx;

/// <summary>The nginx provider's settings, checked at start-up. Every default is in <see cref="NginxSchema.Provider"/>.</summary>
internal sealed record NginxSettings(string Binary, string BaseDirectory)
{
    /// <summary>Reads the settings; each one that is wrong adds a problem naming it to <paramref name="problems"/>, and the result is then null.</summary>
    public static NginxSettings? From(ProviderConfiguration configuration, List<ProviderSettingProblem> problems)
    {
        var found = problems.Count;
        string? binary = null;
        var binaryValue = configuration.Setting("binary");
        if (binaryValue is not null && (binaryValue.Kind != ValueKind.String || binaryValue.AsString().Trim().Length == 0))
        {
            problems.Add(new ProviderSettingProblem("binary", $"expected the nginx program's name or path, got {binaryValue}"));
        }
        else
        {
            var binaryName = binaryValue?.AsString().Trim() ?? "nginx";
            binary = Resolve(binaryName, configuration.StackDirectory);
            if (binary is null)
            {
                problems.Add(new ProviderSettingProblem("binary", $"\"{binaryName}\" was not found (looked on PATH and in /usr/sbin); install nginx or name its path"));
            }
        }

        var baseDirectory = Path.Combine(configuration.StateDirectory, "nginx");
        if (configuration.Setting("base_dir") is { } baseValue)
        {
            if (baseValue.Kind != ValueKind.String || baseValue.AsString().Trim().Length == 0)
            {
                problems.Add(new ProviderSettingProblem("base_dir", $"expected a directory path, got {baseValue}"));
            }
            else
            {
                baseDirectory = Path.GetFullPath(Path.Combine(configuration.StackDirectory, baseValue.AsString().Trim()));
            }
        }

        return problems.Count > found || binary is null ? null : new NginxSettings(binary, Path.GetFullPath(baseDirectory));
    }

    private static string? Resolve(string program, string stackDirectory)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(Path.Combine(stackDirectory, program));
            return File.Exists(path) ? path : null;
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/local/sbin");
        return directories.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
    }
}
