using System.Globalization;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.line</c>: one script counts the lines equal to the line and those matching match but different (grep -F
/// -x and grep -E, so the expression is POSIX ERE as on the host); an edit is one script that checks the same, and
/// only when the file is not right writes it anew beside itself (awk over the line numbers grep found) and renames
/// it over the file. Edits of one file by this instance run one at a time, so two lines of one file do not race.
/// </summary>
internal sealed partial class HostProvider
{
    private static void ValidateLine(Inputs inputs, List<string> errors)
    {
        ValidatePath(inputs, errors, directory: false);
        ValidateState(inputs, errors, "present", "absent");
        foreach (var name in new[] { "line", "match" })
        {
            if (inputs.Known(name) is { } text && (text.Kind != ValueKind.String || text.AsString().Length == 0 || text.AsString().IndexOfAny(['\0', '\n', '\r']) >= 0))
            {
                errors.Add(name == "line"
                    ? $"line: expected one line of text (not empty, no newline), got {text}"
                    : $"match: expected a regular expression on one line, got {text}");
            }
        }

        if (inputs.Known("create") is { } create && create.Kind != ValueKind.Bool)
        {
            errors.Add($"create: expected true or false, got {create}");
        }

        if (inputs.Known("mode") is { } mode && (mode.Kind != ValueKind.String || !FileModes.TryNormalize(mode.AsString(), out _)))
        {
            errors.Add($"mode: expected an octal mode such as \"0644\", got {mode}");
        }
    }

    /// <summary>What names the managed line in its file: match, or the line itself when there is no match.</summary>
    private static string? LineKey(Inputs inputs) => inputs.Text("match") ?? inputs.Text("line");

    /// <summary>The input whose change makes it another line of the file (so the resource is replaced): match, or line without match.</summary>
    private static string? LineReplaced(Inputs inputs, Value? priorInputs)
    {
        if (priorInputs is not { Kind: ValueKind.Map })
        {
            return null;
        }

        var before = new Inputs(priorInputs);
        Value Given(Inputs i, string name) => i.Map.TryGetValue(name, out var v) ? v : Value.Null;
        if (!Given(inputs, "match").IsWhollyKnown || Given(inputs, "match") != Given(before, "match"))
        {
            return "match";
        }

        return inputs.Known("match") is null && (!Given(inputs, "line").IsWhollyKnown || Given(inputs, "line") != Given(before, "line")) ? "line" : null;
    }

    private async Task<(Value?, ProviderError?)> ApplyLineAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var state = inputs.Text("state") ?? "present";
        var mode = inputs.Text("mode") is { } given && FileModes.TryNormalize(given, out var normalized) ? normalized : "0644";
        var (found, error) = await EditLineAsync(host, address, inputs, inputs.Text("match") ?? string.Empty, state, inputs.Flag("create") ? "1" : "0", mode, cancellationToken).ConfigureAwait(false);
        return error is null ? (LineAttributes(inputs, found!), null) : (null, error);
    }

    /// <summary>Reads the line: gone when it should be present and is not in place; for state absent, whether any such line is found.</summary>
    private async Task<(Value?, ProviderError?)> ReadLineAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        var result = await ScriptAsync(host, RemoteScripts.LineState, [path, inputs.Text("line")!, inputs.Text("match") ?? string.Empty], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"checking {path}", result));
        }

        // A line that should be there and is not is gone (as a deleted file is), so the plan puts it back.
        var attributes = LineAttributes(inputs, StateLines.Parse(result.Stdout));
        return (inputs.Text("state") == "absent" || attributes.AsMap()["state"].AsString() == "present" ? attributes : null, null);
    }

    /// <summary>Destroying takes out the lines equal to line (not the others match finds: they were replaced by it).</summary>
    private async Task<ProviderError?> DeleteLineAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("state") == "absent" || inputs.Text("path") is null || inputs.Text("line") is null)
        {
            return null;
        }

        var (_, error) = await EditLineAsync(host, address, inputs, string.Empty, "absent", "0", "0644", cancellationToken).ConfigureAwait(false);
        return error;
    }

    private async Task<(Dictionary<string, string>? Found, ProviderError? Error)> EditLineAsync(InventoryHost host, string address, Inputs inputs, string match, string state, string create, string mode, CancellationToken cancellationToken)
    {
        var path = inputs.Text("path")!;
        var gate = _fileLocks.GetOrAdd(host.Name + "\n" + path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await ScriptAsync(host, RemoteScripts.EditLine, [path, inputs.Text("line")!, match, state, create, mode], cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? (StateLines.Parse(result.Stdout), null) : (null, Failed(address, host, $"editing {path}", result));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The attributes of a line given what <see cref="RemoteScripts.LineState"/> printed: state present when the
    /// line is in place (for state present: a line equal to it and no other line matching match; for state absent:
    /// any line equal to it or matching match), else absent.
    /// </summary>
    private static Value LineAttributes(Inputs inputs, Dictionary<string, string> found)
    {
        int Count(string key) => found.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var exists = found.GetValueOrDefault("exists") == "1";
        var (equal, other) = (Count("equal"), Count("other"));
        var present = exists && (inputs.Text("state") == "absent" ? equal + other > 0 : equal > 0 && other == 0);
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in HostSchema.Line.Attributes.Where(a => !a.Computed))
        {
            attributes[attribute.Name] = inputs.Known(attribute.Name) ?? attribute.Default ?? Value.Null;
        }

        attributes["state"] = Value.String(present ? "present" : "absent");
        attributes["id"] = Value.String(IdOf(HostSchema.LineType, inputs, string.Empty)!);
        return Value.Map(attributes);
    }
}
