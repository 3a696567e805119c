using System.Collections.Immutable;
using System.Globalization;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// What a host is, gathered in one round trip: one script prints <c>KEY VALUE</c> lines (<see cref="StateLines"/>)
/// and <see cref="Parse"/> turns them into the map expressions see as <c>host.facts</c>:
/// <c>os { family, id, name, version, codename, kernel }</c>, <c>arch</c>, <c>hostname</c>, <c>fqdn</c>,
/// <c>addresses</c> (IPv4 and IPv6, loopback and link-local left out), <c>cpus</c>, <c>memory_mb</c>, <c>init</c> (systemd or sysv)
/// and <c>package_manager</c> (apt, dnf, yum, zypper, apk or pacman; null when none is found).
/// </summary>
internal static class HostFacts
{
    /// <summary>The script; it reads only, and needs nothing beyond POSIX sh, coreutils and /proc.</summary>
    public const string Script = """
        if [ -r /etc/os-release ]; then . /etc/os-release; elif [ -r /usr/lib/os-release ]; then . /usr/lib/os-release; fi
        echo "os_id ${ID:-}"
        echo "os_like ${ID_LIKE:-}"
        echo "os_name ${PRETTY_NAME:-${NAME:-}}"
        echo "os_version ${VERSION_ID:-}"
        echo "os_codename ${VERSION_CODENAME:-}"
        echo "kernel $(uname -r)"
        echo "arch $(uname -m)"
        h=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)
        echo "hostname $h"
        echo "fqdn $(hostname -f 2>/dev/null || echo "$h")"
        echo "cpus $(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
        while read -r k v _; do [ "$k" = MemTotal: ] && echo "memory_kb $v"; done < /proc/meminfo
        if [ -d /run/systemd/system ]; then echo 'init systemd'; else echo 'init sysv'; fi
        for m in apt-get dnf yum zypper apk pacman; do
          if command -v "$m" >/dev/null 2>&1; then echo "package_manager $m"; break; fi
        done
        echo "addresses $(hostname -I 2>/dev/null)"
        if [ -r /proc/net/if_inet6 ]; then
          v6=''
          while read -r a _ _ scope _ _; do
            [ "$scope" = 00 ] && v6="$v6 $a"
          done < /proc/net/if_inet6
          echo "addresses6$v6"
        fi
        """;

    /// <summary>The facts from the script's output.</summary>
    public static Value Parse(string output)
    {
        var lines = StateLines.Parse(output);
        string? Text(string key) => lines.TryGetValue(key, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
        Value Str(string key) => Text(key) is { } text ? Value.String(text) : Value.Null;
        Value Number(string key, long divisor = 1) =>
            Text(key) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Value.Number(n / divisor) : Value.Null;

        var id = Text("os_id");
        var os = Value.Map(
        [
            new("family", Family(id, Text("os_like")) is { } family ? Value.String(family) : Value.Null),
            new("id", Str("os_id")),
            new("name", Str("os_name")),
            new("version", Str("os_version")),
            new("codename", Str("os_codename")),
            new("kernel", Str("kernel")),
        ]);
        var manager = Text("package_manager") switch
        {
            "apt-get" => "apt",
            { } other => other,
            null => null,
        };
        var addresses = (Text("addresses") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Concat((Text("addresses6") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Ipv6))
            .Where(a => a.Length > 0 && a != "::1" && !a.StartsWith("127.", StringComparison.Ordinal) && !a.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Select(Value.String);
        return Value.Map(
        [
            new("os", os),
            new("arch", Str("arch")),
            new("hostname", Str("hostname")),
            new("fqdn", Str("fqdn")),
            new("addresses", Value.List(addresses)),
            new("cpus", Number("cpus")),
            new("memory_mb", Number("memory_kb", 1024)),
            new("init", Str("init")),
            new("package_manager", manager is null ? Value.Null : Value.String(manager)),
        ]);
    }

    /// <summary>The OS family: debian, rhel, suse, alpine, arch, or the os-release ID when none of these.</summary>
    internal static string? Family(string? id, string? like)
    {
        var names = ImmutableArray.Create(id ?? string.Empty).AddRange((like ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var name in names)
        {
            switch (name)
            {
                case "debian" or "ubuntu":
                    return "debian";
                case "rhel" or "fedora" or "centos" or "rocky" or "almalinux":
                    return "rhel";
                case "suse" or "opensuse" or "sles":
                    return "suse";
                case "alpine":
                    return "alpine";
                case "arch":
                    return "arch";
                default:
                    break;
            }
        }

        return string.IsNullOrEmpty(id) ? null : id;
    }

    /// <summary>An address of /proc/net/if_inet6 (32 hex digits) in the usual colon form, or empty when it is not one.</summary>
    private static string Ipv6(string hex)
    {
        if (hex.Length != 32 || !hex.All(char.IsAsciiHexDigit))
        {
            return string.Empty;
        }

        var bytes = Convert.FromHexString(hex);
        return new System.Net.IPAddress(bytes).ToString();
    }
}
