using Baton.Values;

namespace Baton.Providers.Nginx;

/// <summary>The nginx provider's settings, checked at start-up. Every default is in <see cref="NginxSchema.Provider"/>.</summary>
internal sealed record NginxSettings(string Binary, string BaseDirectory)
{
    /// <summary>Reads the settings; throws <see cref="ProviderConfigurationException"/> naming the setting that is wrong.</summary>
    public static NginxSettings From(ProviderConfiguration configuration)
    {
        var instance = configuration.InstanceName;
        var binaryName = "nginx";
        if (configuration.Setting("binary") is { } binaryValue)
        {
            if (binaryValue.Kind != ValueKind.String || binaryValue.AsString().Trim().Length == 0)
            {
                throw new ProviderConfigurationException(instance, "binary", $"expected the nginx program's name or path, got {binaryValue}");
            }

            binaryName = binaryValue.AsString().Trim();
        }

        var binary = Resolve(binaryName, configuration.StackDirectory)
            ?? throw new ProviderConfigurationException(instance, "binary", $"\"{binaryName}\" was not found (looked on PATH and in /usr/sbin); install nginx or name its path");

        var baseDirectory = Path.Combine(configuration.StateDirectory, "nginx");
        if (configuration.Setting("base_dir") is { } baseValue)
        {
            if (baseValue.Kind != ValueKind.String || baseValue.AsString().Trim().Length == 0)
            {
                throw new ProviderConfigurationException(instance, "base_dir", $"expected a directory path, got {baseValue}");
            }

            baseDirectory = Path.GetFullPath(Path.Combine(configuration.StackDirectory, baseValue.AsString().Trim()));
        }

        return new NginxSettings(binary, Path.GetFullPath(baseDirectory));
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
