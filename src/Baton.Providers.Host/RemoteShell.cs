using System.Text;

namespace Baton.Providers.Host;

/// <summary>
/// Turns argument lists into command lines for the remote POSIX shell that sshd runs every command through. Every
/// argument is single-quoted (a <c>'</c> inside becomes <c>'\''</c>), so no character of it — <c>$</c>, a backtick,
/// <c>;</c>, a newline — means anything to the shell: the remote program gets exactly the list.
/// </summary>
internal static class RemoteShell
{
    /// <summary>The command line that runs <paramref name="argv"/> (at least one item; none may hold a NUL).</summary>
    public static string Quote(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("a command needs at least one argument", nameof(argv));
        }

        var line = new StringBuilder();
        foreach (var argument in argv)
        {
            if (argument.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("a command argument cannot hold a NUL character", nameof(argv));
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append('\'').Append(argument.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
        }

        return line.ToString();
    }

    /// <summary>
    /// <paramref name="argv"/> run as root (or <paramref name="becomeUser"/>) through <c>sudo -n</c>, which fails at
    /// once rather than asking for a password; <paramref name="argv"/> itself when <paramref name="become"/> is false.
    /// </summary>
    public static IReadOnlyList<string> Become(IReadOnlyList<string> argv, bool become, string? becomeUser)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (!become)
        {
            return argv;
        }

        var wrapped = new List<string>(argv.Count + 5) { "sudo", "-n" };
        if (!string.IsNullOrEmpty(becomeUser))
        {
            wrapped.Add("-u");
            wrapped.Add(becomeUser);
        }

        wrapped.Add("--");
        wrapped.AddRange(argv);
        return wrapped;
    }

    /// <summary>An argument list that runs the POSIX sh <paramref name="script"/> with <paramref name="arguments"/> as <c>$1</c>….</summary>
    public static IReadOnlyList<string> Script(string script, params IEnumerable<string> arguments) =>
        ["sh", "-c", script, "sh", .. arguments];
}
