using System.Diagnostics;
using System.Globalization;
using System.Text;
using Baton.Diagnostics;
using Baton.Spec;
using Baton.Spec.Yaml;
using Baton.Text;

namespace Baton.Libraries.Tests.Language.Spec;

/// <summary>
/// Stack files made to hurt the reader: each must end in a located diagnostic within a time and memory bound, never an
/// exception, a hang or a process grown to gigabytes.
/// </summary>
public sealed class HostileStackFileTests : IDisposable
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);
    private const long MemoryLimit = 512L * 1024 * 1024;

    private readonly string _directory = Directory.CreateTempSubdirectory("hostile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Ten levels of ten aliases each: 887 bytes that stand for ten billion strings.</summary>
    private static string BillionLaughs(int levels = 10)
    {
        var text = new StringBuilder("a0: &a0 [\"lol\"]\n");
        for (var level = 1; level < levels; level++)
        {
            var previous = string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10));
            text.Append(CultureInfo.InvariantCulture, $"a{level}: &a{level} [{previous}]\n");
        }

        return "variables:\n  laughs:\n    default:\n" + string.Join(string.Empty, text.ToString().Split('\n').Where(l => l.Length > 0).Select(l => "      " + l + "\n"));
    }

    /// <summary>Runs <paramref name="work"/> on its own thread and asserts it ends within the time and allocation bounds.</summary>
    private static T Bounded<T>(Func<T> work)
    {
        long allocated = 0;
        var task = Task.Factory.StartNew(
            () =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var result = work();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                return result;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Assert.True(task.Wait(TimeLimit), $"the read did not end within {TimeLimit.TotalSeconds} s");
        Assert.True(allocated < MemoryLimit, $"the read allocated {allocated / (1024 * 1024)} MiB");
        return task.Result;
    }

    private DiagnosticBag Load()
    {
        var diagnostics = new DiagnosticBag();
        Bounded(() => StackLoader.Load(_directory, "s", diagnostics));
        return diagnostics;
    }

    [Fact]
    public void Read_BillionLaughs_StopsAtTheAliasThatPassesTheLimit()
    {
        var text = BillionLaughs();
        Assert.True(text.Length < 1500);

        var diagnostics = new DiagnosticBag();
        var root = Bounded(() => YamlReader.Read(new SourceFile("f.yaml", text), diagnostics));

        Assert.Null(root);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.LimitExceeded, diagnostic.Code);
        Assert.Contains("aliases expanded", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("f.yaml", diagnostic.Span!.File);
        Assert.StartsWith("*a", new SourceFile("f.yaml", text).Line(diagnostic.Span!.Start.Line)[(diagnostic.Span!.Start.Column - 1)..], StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BillionLaughsInAFragment_IsOneLocatedError()
    {
        File.WriteAllText(Path.Combine(_directory, "baton.yaml"), "stack: s\n");
        File.WriteAllText(Path.Combine(_directory, "laughs.baton.yaml"), BillionLaughs());

        var diagnostic = Assert.Single(Load());

        Assert.Equal(DiagnosticCodes.LimitExceeded, diagnostic.Code);
        Assert.Equal("s/laughs.baton.yaml", diagnostic.Span!.File);
    }

    [Fact]
    public void Read_AFewAliases_AreStillExpanded()
    {
        var diagnostics = new DiagnosticBag();
        var root = YamlReader.Read(new SourceFile("f.yaml", "a: &x [1, 2]\nb: [*x, *x, *x]\n"), diagnostics);

        Assert.Empty(diagnostics);
        var b = Assert.IsType<YamlSequence>(Assert.IsType<YamlMapping>(root)["b"]);
        Assert.Equal(3, b.Items.Count);
    }

    [Fact]
    public void Read_TooManyAliases_IsRefused()
    {
        var text = "a: &x 1\nb: [" + string.Join(", ", Enumerable.Repeat("*x", YamlReader.MaxAliases + 1)) + "]\n";
        var diagnostics = new DiagnosticBag();

        Assert.Null(Bounded(() => YamlReader.Read(new SourceFile("f.yaml", text), diagnostics)));
        Assert.Equal(DiagnosticCodes.LimitExceeded, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Load_FragmentLinkedToDevZero_IsRefusedNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_directory, "baton.yaml"), "stack: s\n");
        File.CreateSymbolicLink(Path.Combine(_directory, "zero.baton.yaml"), "/dev/zero");

        var diagnostic = Assert.Single(Load());

        Assert.Equal(DiagnosticCodes.UnreadableStackFile, diagnostic.Code);
        Assert.Equal("s/zero.baton.yaml is a character device, not a regular file", diagnostic.Message);
    }

    [Fact]
    public void Load_FragmentThatIsANamedPipe_IsRefusedWithoutWaiting()
    {
        File.WriteAllText(Path.Combine(_directory, "baton.yaml"), "stack: s\n");
        var fifo = Path.Combine(_directory, "pipe.baton.yaml");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { fifo } })!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var diagnostic = Assert.Single(Load());

        Assert.Equal("s/pipe.baton.yaml is a named pipe, not a regular file", diagnostic.Message);
    }

    [Fact]
    public void Load_FileOverTheSizeLimit_IsRefused()
    {
        File.WriteAllText(Path.Combine(_directory, "baton.yaml"), "stack: s\n# " + new string('x', (int)TextFile.MaxStackFileBytes) + "\n");

        var diagnostic = Assert.Single(Load());

        Assert.Equal("s/baton.yaml is larger than 4 MiB", diagnostic.Message);
    }

    [Fact]
    public void Load_InvalidUtf8_IsAnErrorAtTheBadByte()
    {
        var bytes = "stack: s\ndescription: caf"u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\n"u8.ToArray()).ToArray();
        File.WriteAllBytes(Path.Combine(_directory, "baton.yaml"), bytes);

        var diagnostic = Assert.Single(Load());

        Assert.Equal(DiagnosticCodes.UnreadableStackFile, diagnostic.Code);
        Assert.Equal("s/baton.yaml is not valid UTF-8: byte 0xC3 at line 2, column 17", diagnostic.Message);
        Assert.Equal(new SourcePosition(2, 17), diagnostic.Span!.Start);
    }

    [Fact]
    public void Load_ByteOrderMarkAndMultibyteText_AreRead()
    {
        File.WriteAllBytes(Path.Combine(_directory, "baton.yaml"), [.. "\uFEFF"u8.ToArray(), .. "stack: s\ndescription: café ☕\n"u8.ToArray()]);

        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Load(_directory, "s", diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal("café ☕", spec!.Description);
    }
}
