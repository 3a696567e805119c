using System.Collections.Immutable;
using System.Text;
using Baton.Runtime;
using Baton.Text;
using Baton.Values;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Baton.Providers.Host;

/// <summary>
/// Reads a provider block's settings into <see cref="HostOptions"/>, reporting every wrong one as a
/// <see cref="ProviderSettingProblem"/>. A problem inside the inventory is reported on <c>inventory</c> and names the
/// host and its field (<c>web1.private_key: …</c>); key text never appears in a message.
/// </summary>
internal static class HostSettings
{
    public static HostOptions? From(ProviderConfiguration configuration, List<ProviderSettingProblem> problems)
    {
        var before = problems.Count;
        var options = new HostOptions { Inventory = ImmutableSortedDictionary<string, InventoryHost>.Empty.WithComparers(StringComparer.Ordinal), Time = configuration.Time };
        if (Whole(configuration, "forks", 1, 10_000, problems) is { } forks)
        {
            options = options with { Forks = forks };
        }

        if (Whole(configuration, "sessions_per_host", 1, 100, problems) is { } sessions)
        {
            options = options with { SessionsPerHost = sessions };
        }

        if (Duration(configuration, "connect_timeout", problems) is { } connect)
        {
            options = options with { ConnectTimeout = connect };
        }

        if (Duration(configuration, "command_timeout", problems) is { } command)
        {
            options = options with { CommandTimeout = command };
        }

        if (configuration.FlagSetting("agent", problems) == true)
        {
            problems.Add(new ProviderSettingProblem("agent", "not supported yet: SSH.NET has no ssh-agent client; give each host private_key or private_key_file"));
        }

        var fileRoot = configuration.TextSetting("file_root", problems) ?? ".";
        if (fileRoot.Trim().Length == 0)
        {
            problems.Add(new ProviderSettingProblem("file_root", "expected a directory path"));
        }
        else if (ConfinedRoots.Read(configuration, "file_root", [fileRoot], problems, "file_root") is { } files)
        {
            options = options with { Files = files };
        }

        options = options with { Templates = configuration.Templates };

        // The stack's hosts: (the engine's inventory), else an inventory setting given directly.
        var inventory = configuration.Inventory is { Kind: ValueKind.Map } bound && bound.AsMap().Count > 0
            ? bound
            : configuration.Setting("inventory") ?? Value.EmptyMap;
        if (inventory.Kind != ValueKind.Map || !inventory.IsWhollyKnown)
        {
            problems.Add(new ProviderSettingProblem("inventory", $"expected a map from host name to its connection settings, got {inventory.WithoutSensitivity().ToDisplayString()}"));
        }
        else
        {
            var hosts = ImmutableSortedDictionary.CreateBuilder<string, InventoryHost>(StringComparer.Ordinal);
            foreach (var (name, entry) in inventory.AsMap())
            {
                if (ReadHost(configuration, name, entry, problems) is { } host)
                {
                    hosts[name] = host;
                }
            }

            options = options with { Inventory = hosts.ToImmutable() };
        }

        return problems.Count == before ? options : null;
    }

    private static InventoryHost? ReadHost(ProviderConfiguration configuration, string name, Value entry, List<ProviderSettingProblem> problems)
    {
        void Problem(string message) => problems.Add(new ProviderSettingProblem("inventory", $"{name}.{message}"));

        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            problems.Add(new ProviderSettingProblem("inventory", $"\"{name}\" is not a host name (no spaces)"));
            return null;
        }

        if (entry.Kind != ValueKind.Map)
        {
            problems.Add(new ProviderSettingProblem("inventory", $"{name}: expected a map with address, user and a key, got {entry.WithoutSensitivity().ToDisplayString()}"));
            return null;
        }

        var map = entry.AsMap();
        Value? Get(string key) => map.TryGetValue(key, out var value) && value.Kind != ValueKind.Null ? value : null;
        string? Text(string key)
        {
            var value = Get(key);
            if (value is null)
            {
                return null;
            }

            if (value.Kind != ValueKind.String)
            {
                Problem($"{key}: expected a string, got {value.WithoutSensitivity().ToDisplayString()}");
                return null;
            }

            return value.AsString();
        }

        var count = problems.Count;
        var address = Text("address");
        if (string.IsNullOrWhiteSpace(address))
        {
            Problem("address: required: the hostname or IP address to connect to");
        }

        var user = Text("user");
        if (string.IsNullOrWhiteSpace(user))
        {
            Problem("user: required: the user to log in as");
        }

        var port = 22;
        if (Get("port") is { } portValue)
        {
            if (portValue.Kind != ValueKind.Number || !portValue.IsInteger || portValue.AsNumber() is < 1 or > 65535)
            {
                Problem($"port: expected a port number (1..65535), got {portValue.ToDisplayString()}");
            }
            else
            {
                port = (int)portValue.AsNumber();
            }
        }

        var become = false;
        if (Get("become") is { } becomeValue)
        {
            if (becomeValue.Kind != ValueKind.Bool)
            {
                Problem($"become: expected true or false, got {becomeValue.ToDisplayString()}");
            }
            else
            {
                become = becomeValue.AsBool();
            }
        }

        var becomeUser = Text("become_user");
        var group = Text("group");
        var vars = Get("vars") ?? Value.EmptyMap;
        if (vars.Kind != ValueKind.Map)
        {
            Problem($"vars: expected a map, got {vars.WithoutSensitivity().ToDisplayString()}");
        }

        var key = ReadKey(configuration, Text("private_key"), Text("private_key_file"), Problem);
        var knownHosts = ReadKnownHosts(configuration, Text("known_hosts"), Text("known_hosts_file"), Problem);
        if (problems.Count != count || key is null || knownHosts is null)
        {
            (key as IDisposable)?.Dispose();
            return null;
        }

        return new InventoryHost
        {
            Name = name,
            Address = address!,
            Port = port,
            User = user!,
            Key = key,
            KnownHosts = knownHosts,
            Become = become,
            BecomeUser = string.IsNullOrEmpty(becomeUser) ? null : becomeUser,
            Group = group,
            Vars = vars,
        };
    }

    private static PrivateKeyFile? ReadKey(ProviderConfiguration configuration, string? text, string? file, Action<string> problem)
    {
        if (text is not null && file is not null)
        {
            problem("private_key: give private_key or private_key_file, not both");
            return null;
        }

        string field;
        byte[] bytes;
        if (text is not null)
        {
            field = "private_key";
            bytes = Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"));
        }
        else if (file is not null)
        {
            field = "private_key_file";
            var path = Path.GetFullPath(file, configuration.StackDirectory);
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                problem($"private_key_file: cannot read \"{path}\": {exception.Message}");
                return null;
            }
        }
        else
        {
            problem("private_key: required: the private key text (sensitive), or private_key_file (ssh-agent is not supported yet)");
            return null;
        }

        try
        {
            using var stream = new MemoryStream(bytes);
            return new PrivateKeyFile(stream);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            problem($"{field}: the key is protected by a passphrase, which is not supported; give an unencrypted key");
        }
        catch (Exception exception) when (exception is SshException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            // The library's message may quote the key's text; it is not repeated.
            problem($"{field}: not a private key in OpenSSH or PEM format (ed25519, ECDSA or RSA)");
        }

        return null;
    }

    private static KnownHosts? ReadKnownHosts(ProviderConfiguration configuration, string? text, string? file, Action<string> problem)
    {
        if (text is not null && file is not null)
        {
            problem("known_hosts: give known_hosts or known_hosts_file, not both");
            return null;
        }

        string field;
        if (text is not null)
        {
            field = "known_hosts";
        }
        else if (file is not null)
        {
            field = "known_hosts_file";
            var path = Path.GetFullPath(file, configuration.StackDirectory);
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                problem($"known_hosts_file: cannot read \"{path}\": {exception.Message}");
                return null;
            }
        }
        else
        {
            problem("known_hosts: required: the host's public keys as known_hosts lines (or known_hosts_file); hosts are checked strictly");
            return null;
        }

        if (!KnownHosts.TryParse(text, out var knownHosts, out var error))
        {
            problem($"{field}: {error}");
            return null;
        }

        return knownHosts;
    }

    private static int? Whole(ProviderConfiguration configuration, string name, int min, int max, List<ProviderSettingProblem> problems)
    {
        if (configuration.Setting(name) is not { } value)
        {
            return null;
        }

        if (value.Kind != ValueKind.Number || !value.IsInteger || value.AsNumber() < min || value.AsNumber() > max)
        {
            problems.Add(new ProviderSettingProblem(name, $"expected a whole number from {min} to {max}, got {value.ToDisplayString()}"));
            return null;
        }

        return (int)value.AsNumber();
    }

    private static TimeSpan? Duration(ProviderConfiguration configuration, string name, List<ProviderSettingProblem> problems)
    {
        if (configuration.Setting(name) is not { } value)
        {
            return null;
        }

        if (!Durations.TryParse(value, out var duration, out var error) || duration <= TimeSpan.Zero)
        {
            problems.Add(new ProviderSettingProblem(name, error ?? $"expected a duration above zero such as \"10s\", got {value.ToDisplayString()}"));
            return null;
        }

        return duration;
    }
}
