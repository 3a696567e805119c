using Baton.Plans;
using Baton.Values;
using CsCheck;

namespace Baton.Libraries.Tests.Plans;

/// <summary>
/// How a plan shows text of several lines: the unified diff of a change, the lines of a new file, and what refresh
/// found changed outside Baton (a file edited by hand) as the diff from what is there to what the stack says.
/// </summary>
public sealed class PlanRendererTests
{
    private static Value Map(params (string Key, Value Value)[] entries) => Value.Map(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)));

    private static string Render(ResourceChange change) =>
        PlanRenderer.Render(new Plan { Stack = "s", Serial = 1, Changes = [change], Outputs = Value.EmptyMap }, colour: false);

    private static ResourceChange Update(Value prior, Value inputs, Value? before = null, Value? after = null, string? reason = null) => new()
    {
        Address = "conf[\"web1\"]",
        Type = "host.file",
        Provider = "host",
        Action = ChangeAction.Update,
        PriorInputs = prior,
        Inputs = inputs,
        Before = before,
        After = after,
        Reason = reason,
    };

    [Fact]
    public void Update_OfTextOfSeveralLines_IsAUnifiedDiffWithContext()
    {
        var old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        var now = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n";
        var text = Render(Update(Map(("content", Value.String(old))), Map(("content", Value.String(now)))));

        Assert.Contains(
            """
                  ~ content:
                      @@ -2,9 +2,10 @@
                       b
                       c
                       d
                      -e
                      +E
                       f
                       g
                       h
                       i
                       j
                      +k

            """.Replace("\r", "", StringComparison.Ordinal),
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Update_OfSensitiveText_ShowsNoLine()
    {
        var text = Render(Update(Map(("content", Value.String("key=1\nx\n").AsSensitive())), Map(("content", Value.String("key=2\nx\n").AsSensitive()))));
        Assert.Contains("~ content = (sensitive) → (sensitive)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("key=", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_AFileEditedByHand_IsTheDiffFromTheHostToTheStack()
    {
        var desired = "port=8081\nmessage=hello\n";
        var inputs = Map(("path", Value.String("/etc/d.conf")), ("content", Value.String(desired)));
        var text = Render(Update(
            inputs,
            inputs,
            before: Map(("path", Value.String("/etc/d.conf")), ("content", Value.String("port=8081\nmessage=edited by hand\n")), ("sha256", Value.String("aaa"))),
            after: Map(("path", Value.String("/etc/d.conf")), ("content", Value.String(desired)), ("sha256", Value.String("bbb"))),
            reason: "changed outside Baton"));

        Assert.Contains("will be updated in place: changed outside Baton", text, StringComparison.Ordinal);
        Assert.Contains("~ content:  # changed outside Baton\n          @@ -1,2 +1,2 @@\n           port=8081\n          -message=edited by hand\n          +message=hello\n", text, StringComparison.Ordinal);
        Assert.Contains("~ sha256 = \"aaa\" → \"bbb\"\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("path", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OfTextOfSeveralLines_ShowsItsLines()
    {
        var change = new ResourceChange
        {
            Address = "conf",
            Type = "host.file",
            Provider = "host",
            Action = ChangeAction.Create,
            Inputs = Map(("content", Value.String("one\ntwo\n")), ("mode", Value.String("0644"))),
        };
        var text = Render(change);
        Assert.Contains("      + content:\n            one\n            two\n      + mode    = \"0644\"\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_AFinalNewlineOrACarriageReturn_IsShown()
    {
        Assert.Equal(["(before: no newline at the end)"], TextDiff.Lines("a\nb", "a\nb\n"));
        Assert.Equal(["@@ -0,0 +1,2 @@", "+a", "+b"], TextDiff.Lines("", "a\nb\n"));
        Assert.Equal(["@@ -1,1 +0,0 @@", "-a"], TextDiff.Lines("a\n", ""));
        Assert.Equal(["@@ -1,2 +1,2 @@", "-a␍", "+a", " b"], TextDiff.Lines("a\r\nb\n", "a\nb\n"));
    }

    /// <summary>Applying the diff's lines to the old text gives the new text, for any two texts of a few lines.</summary>
    [Fact]
    public void Diff_Property_PatchingTheOldTextWithTheDiffGivesTheNewText()
    {
        string[] words = ["a", "b", "c", "d", "x y", ""];
        var line = Gen.Int[0, words.Length - 1].Select(i => words[i]);
        var text = line.Array[0, 14].Select(lines => string.Concat(lines.Select(l => l + "\n")));
        Gen.Select(text, text).Sample((before, after) =>
        {
            var patched = Patch(before, TextDiff.Lines(before, after));
            Assert.Equal(after, patched);
        }, iter: 500);
    }

    /// <summary>Applies unified-diff hunks to <paramref name="before"/> (both texts end with a newline).</summary>
    private static string Patch(string before, IReadOnlyList<string> diff)
    {
        var old = before.Length == 0 ? [] : before[..^1].Split('\n').ToList();
        var result = new List<string>();
        var at = 0;
        foreach (var line in diff)
        {
            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                var start = int.Parse(line.Split(' ')[1].TrimStart('-').Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
                var count = line.Split(' ')[1].Contains(',', StringComparison.Ordinal) ? int.Parse(line.Split(' ')[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
                var first = count == 0 ? start : start - 1;
                result.AddRange(old.Skip(at).Take(first - at));
                at = first;
            }
            else if (line.StartsWith(' '))
            {
                Assert.Equal(old[at], line[1..]);
                result.Add(line[1..]);
                at++;
            }
            else if (line.StartsWith('-'))
            {
                Assert.Equal(old[at], line[1..]);
                at++;
            }
            else if (line.StartsWith('+'))
            {
                result.Add(line[1..]);
            }
        }

        result.AddRange(old.Skip(at));
        return string.Concat(result.Select(l => l + "\n"));
    }
}
