using System.Text;
using Baton.Diagnostics;
using Baton.Binding;
using Baton.Spec;
using Baton.Text;
using CsCheck;

namespace Baton.Libraries.Tests.Language.Spec;

/// <summary>
/// Fuzzes the stack reader: real stack files mutated with the text that breaks readers (anchors and aliases, merge
/// keys, interpolations, flow brackets, tabs, control characters, huge numbers, tags, documents), and raw bytes for
/// the UTF-8 decoder. Whatever the input, reading, shape checking and binding end in diagnostics, never an exception,
/// and every diagnostic points inside the file. The suite runs it for a few seconds; <c>bench/fuzz-stack-reader.sh</c>
/// runs it for as long as asked (<c>BATON_FUZZ_SECONDS</c>).
/// </summary>
public sealed class StackReaderFuzzTests
{
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("BATON_FUZZ_SECONDS"), out var seconds) && seconds > 0 ? seconds : 3;

    private static readonly string[] Tokens =
    [
        "&a ", "*a", "&b ", "*b", "<<: *a", "<<: [*a, *b]", "${", "}", "${var.x}", "${each.key}", "${count.index}", "${tonumber(\"x\")}",
        "${template(\"t\")}", "${file(\"/dev/zero\")}", "${1e308 * 10}", "${\"a\" + 1}", "[", "]", "{", ": ", ":", "- ", "-", "\n", "  ", "    ",
        "\t", "\"", "'", "|\n", ">-\n", "# c", "---\n", "...\n", "!!str ", "!custom ", "%YAML 1.2\n", "? ", ",", "\r\n", "\0", "\u00e9", "\u2603",
        "\ud83d\ude00", "\ufeff", "\u202e", "1e12", "-1", "0x10", "~", "null", "true", "NaN", ".inf", "resources:", "variables:", "workflows:",
        "outputs:", "providers:", "type: sim.resource", "for_each:", "count:", "depends_on: [", "properties:", "steps:", "uses: exec",
        "needs: [", "sensitive: true", "default:", "lifecycle:", "stack: s", "policies:", "- name: p", "require: ", "\\", "\\u0000", "%",
    ];

    private static readonly string[] Seeds = LoadSeeds();

    private static string[] LoadSeeds()
    {
        var seeds = new List<string>
        {
            "stack: s\nvariables:\n  n: { type: int, default: 2 }\nresources:\n  a:\n    type: sim.resource\n    count: ${var.n}\n    properties:\n      input: { x: \"${count.index}\" }\n  b:\n    type: sim.resource\n    depends_on: [a]\n    for_each: { x: 1, y: 2 }\noutputs:\n  o: ${a[0].id}\n",
            "base: &base { type: sim.resource }\nresources:\n  a:\n    <<: *base\n    properties: { input: [1, 2, *base] }\n",
            "workflows:\n  w:\n    steps:\n      one: { uses: exec, with: { command: [\"true\"] } }\n      two: { uses: exec, needs: [one], retry: { attempts: 3, backoff: 1s } }\n",
        };
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
        {
            directory = directory.Parent;
        }

        if (directory is not null && Directory.Exists(Path.Combine(directory.FullName, "examples")))
        {
            seeds.AddRange(Directory.EnumerateFiles(Path.Combine(directory.FullName, "examples"), "*.yaml", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/.baton/", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(File.ReadAllText));
        }

        return [.. seeds];
    }

    /// <summary>One edit: insert a token, delete a span, repeat a span, or replace a character.</summary>
    private static readonly Gen<Func<string, string>> Mutation = Gen.OneOf(
        Gen.Select(Gen.Int[0, Tokens.Length - 1], Gen.Double[0, 1], (token, at) => (Func<string, string>)(text => text.Insert((int)(at * text.Length), Tokens[token]))),
        Gen.Select(Gen.Double[0, 1], Gen.Int[1, 40], (at, length) => (Func<string, string>)(text =>
        {
            var start = (int)(at * text.Length);
            return text.Remove(start, Math.Min(length, text.Length - start));
        })),
        Gen.Select(Gen.Double[0, 1], Gen.Int[1, 80], Gen.Int[2, 6], (at, length, times) => (Func<string, string>)(text =>
        {
            var start = (int)(at * text.Length);
            var span = text.Substring(start, Math.Min(length, text.Length - start));
            return text.Insert(start, string.Concat(Enumerable.Repeat(span, times)));
        })),
        Gen.Select(Gen.Double[0, 1], Gen.Char, (at, c) => (Func<string, string>)(text =>
        {
            if (text.Length == 0)
            {
                return c.ToString();
            }

            var index = Math.Min((int)(at * text.Length), text.Length - 1);
            return string.Concat(text.AsSpan(0, index), c.ToString(), text.AsSpan(index + 1));
        })));

    private static readonly Gen<string> MutatedStack =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Mutation.Array[1, 12], (seed, edits) => edits.Aggregate(Seeds[seed], (text, edit) => edit(text)));

    private static readonly Gen<string> TokenSoup = Gen.Int[0, Tokens.Length - 1].Array[0, 60].Select(picks => string.Concat(picks.Select(p => Tokens[p])));

    private static void ReadsToDiagnostics(string text)
    {
        var file = new SourceFile("f.baton.yaml", text);
        var diagnostics = new DiagnosticBag();
        var spec = StackLoader.Parse([file], "s", diagnostics);
        StackBinder.Bind(spec, [], StackText.NoFiles.Instance, new BindOptions(), diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message));
            if (diagnostic.Span is { } span && span.File == file.Path)
            {
                Assert.InRange(span.Start.Line, 1, file.LineCount);
                Assert.True(span.Start <= span.End, $"span {span.Start}-{span.End} ends before it starts: {diagnostic.Message}");
            }
        }
    }

    [Fact]
    public void Read_MutatedStackFiles_EndInDiagnosticsNeverExceptions() =>
        Gen.OneOf(MutatedStack, TokenSoup).Sample(ReadsToDiagnostics, time: Seconds, print: text => text.Length > 2000 ? text[..2000] + "…" : text);

    [Fact]
    public void Decode_RandomBytes_IsTextOrALocatedError() =>
        Gen.OneOf(
                Gen.Byte.Array[0, 300],
                Gen.String.Select(s => Encoding.UTF8.GetBytes(s)),
                Gen.Select(Gen.String, Gen.Byte.Array[1, 4], Gen.Double[0, 1], (s, bad, at) =>
                {
                    var bytes = Encoding.UTF8.GetBytes(s).ToList();
                    bytes.InsertRange((int)(at * bytes.Count), bad);
                    return bytes.ToArray();
                }))
            .Sample(
                bytes =>
                {
                    var valid = TextFile.TryDecode(bytes, "f", out var text, out var error, out var at);
                    var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
                    var body = bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
                    if (valid)
                    {
                        Assert.Equal(body, strict.GetBytes(text));
                    }
                    else
                    {
                        Assert.Throws<DecoderFallbackException>(() => strict.GetString(body));
                        Assert.NotNull(at);
                        Assert.StartsWith("f is not valid UTF-8: byte 0x", error, StringComparison.Ordinal);
                        Assert.True(at.Value.Line >= 1 && at.Value.Column >= 1);
                    }
                },
                time: Seconds);
}
