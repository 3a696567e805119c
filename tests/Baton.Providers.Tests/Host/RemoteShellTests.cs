using Baton.Providers.Tests.Conformance;
using System.Diagnostics;
using System.Text;
using Baton.Providers.Host;
using CsCheck;

namespace Baton.Providers.Tests.Host;

/// <summary>
/// The quoting every remote command goes through, proven against a real <c>/bin/sh</c>: the line that
/// <see cref="RemoteShell.Quote"/> makes, run by <c>sh -c</c> as sshd runs it, gives the program exactly the
/// argument list — whatever quotes, <c>$</c>, backticks, separators, newlines or unicode the arguments hold.
/// </summary>
public sealed class RemoteShellTests
{
    private const string Hostile = "'\"$`\\;|&<>(){}[]*?!#~=%^ \t\n\r-.,:/aZ09";

    private static readonly Gen<string> Arguments = Gen.OneOf(
        Gen.String[Gen.Char[Hostile], 0, 24],
        Gen.String[Gen.Char[(char)1, (char)0x7f], 0, 24],
        Gen.String[Gen.Char[(char)0xA0, (char)0xD7FF], 0, 8],
        Gen.Const(0).SelectMany(_ => Gen.Int[0, 17]).Select(i => new[] { "", "-", "--", "-n", "'", "''", "'\\''", "$(touch /tmp/pwned)", "`id`", "a;b", "a|b", "\n", "${HOME}", "*", "~", "-e", "\\", "--help" }[i]));

    private static readonly Gen<string[]> ArgumentLists = Arguments.Array[1, 8];

    [Fact]
    public void Quote_RunByPosixSh_GivesBackExactlyTheArguments() =>
        ArgumentLists.Sample(arguments =>
        {
            var line = RemoteShell.Quote(["printf", "%s\\000", .. arguments]);
            return Printed(line).SequenceEqual(arguments);
        }, iter: 300, threads: 1);

    [Fact]
    public void Quote_OfAScriptWithArguments_GivesTheScriptExactlyTheArguments() =>
        ArgumentLists.Sample(arguments =>
        {
            // What the provider sends: an sh script whose values are its $1…, the whole quoted once more.
            var line = RemoteShell.Quote(RemoteShell.Script("printf '%s\\000' \"$@\"", arguments));
            return Printed(line).SequenceEqual(arguments);
        }, iter: 200, threads: 1);

    [Fact]
    public void Quote_HostileArguments_RunNothing()
    {
        using var directory = new TempDirectory();
        var marker = Path.Combine(directory.Path, "pwned");
        string[] hostile = [$"$(touch {marker})", $"`touch {marker}`", $"; touch {marker}", $"' ; touch {marker}; '", $"\ntouch {marker}\n", $"| touch {marker}"];
        Assert.Equal(hostile, Printed(RemoteShell.Quote(["printf", "%s\\000", .. hostile])));
        Assert.False(System.IO.File.Exists(marker));
    }

    [Fact]
    public void Quote_EmptyOrNul_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => RemoteShell.Quote([]));
        Assert.Throws<ArgumentException>(() => RemoteShell.Quote(["echo", "a\0b"]));
    }

    [Fact]
    public void Become_WrapsInSudoNonInteractive()
    {
        Assert.Equal(["id"], RemoteShell.Become(["id"], false, null));
        Assert.Equal(["sudo", "-n", "--", "id", "-u"], RemoteShell.Become(["id", "-u"], true, null));
        Assert.Equal(["sudo", "-n", "-u", "postgres", "--", "psql"], RemoteShell.Become(["psql"], true, "postgres"));
        Assert.Equal("'sudo' '-n' '--' 'echo' 'it'\\''s'", RemoteShell.Quote(RemoteShell.Become(["echo", "it's"], true, null)));
    }

    /// <summary>What <c>/bin/sh -c LINE</c> prints, split at NULs.</summary>
    private static List<string> Printed(string line)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(line);
        using var process = System.Diagnostics.Process.Start(start)!;
        using var output = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sh failed ({process.ExitCode}): {stderr.Result}");
        var text = Encoding.UTF8.GetString(output.ToArray());
        var items = text.Split('\0').ToList();
        Assert.Equal(string.Empty, items[^1]);
        items.RemoveAt(items.Count - 1);
        return items;
    }
}
