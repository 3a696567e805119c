using System.Collections.Immutable;
using System.Text;
using Baton.Text;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.exec</c> and the <c>host.exec</c> action. The guards (<c>creates</c>, <c>only_if</c>, <c>not_if</c>) are
/// evaluated together by one script, which prints <c>run</c> or <c>skip REASON</c>; an apply runs the command after it.
/// </summary>
internal sealed partial class HostProvider
{
    private static void ValidateExec(Inputs inputs, List<string> errors)
    {
        foreach (var name in new[] { "command", "only_if", "not_if" })
        {
            if (inputs.Known(name) is { } list && list.IsWhollyKnown
                && (list.Kind != ValueKind.List || list.AsList().IsEmpty || list.AsList().Any(a => a.Kind != ValueKind.String || a.AsString().Contains('\0', StringComparison.Ordinal))))
            {
                errors.Add($"{name}: expected a non-empty argument list such as [\"systemctl\", \"daemon-reload\"], got {list}");
            }
        }

        foreach (var name in new[] { "creates", "cwd" })
        {
            if (inputs.Known(name) is { } path && (path.Kind != ValueKind.String || !path.AsString().StartsWith('/')))
            {
                errors.Add($"{name}: expected an absolute path, got {path}");
            }
        }

        ValidateEnvironment(inputs, errors);
        if (inputs.Known("timeout") is { } timeout && (!Durations.TryParse(timeout, out var duration, out _) || duration <= TimeSpan.Zero))
        {
            errors.Add($"timeout: expected a duration such as \"30s\", got {timeout}");
        }
    }

    private static void ValidateEnvironment(Inputs inputs, List<string> errors)
    {
        if (inputs.Known("environment") is not { IsWhollyKnown: true } environment)
        {
            return;
        }

        if (environment.Kind != ValueKind.Map || environment.AsMap().Values.Any(v => v.Kind != ValueKind.String))
        {
            errors.Add($"environment: expected a map of strings, got {environment.WithoutSensitivity().ToDisplayString()}");
            return;
        }

        foreach (var name in environment.AsMap().Keys)
        {
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                errors.Add($"environment: \"{name}\" is not a variable name (letters, digits and _, not starting with a digit)");
            }
        }
    }

    private static void PlanExec(PlanRequest request, ImmutableSortedDictionary<string, Value>.Builder planned)
    {
        var prior = request.PriorAttributes is { Kind: ValueKind.Map } p ? p.AsMap() : null;
        var rerun = prior is null || request.PriorInputs != request.Inputs || (prior.TryGetValue("pending", out var pending) && pending.Kind == ValueKind.Bool && pending.AsBool());

        // After the apply the guards have had their say: the command ran or was skipped.
        planned["pending"] = Value.False;
        if (rerun)
        {
            planned["ran"] = Value.Unknown(BatonType.Bool);
            planned["exit_code"] = Value.Unknown(BatonType.Int);
            planned["stdout"] = Value.Unknown(BatonType.String);
        }
    }

    private async Task<(Value?, ProviderError?)> ApplyExecAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var (run, _, guardError) = await GuardsAsync(host, address, inputs, cancellationToken).ConfigureAwait(false);
        if (guardError is not null)
        {
            return (null, guardError);
        }

        if (!run)
        {
            return (ExecAttributes(inputs, address, pending: false, ran: false, exitCode: null, stdout: string.Empty), null);
        }

        var command = inputs.Strings("command")!;
        var timeout = inputs.Known("timeout") is { } t && Durations.TryParse(t, out var parsed, out _) ? parsed : (TimeSpan?)null;
        var result = await RunAsync(host, Prepared(command, inputs), cancellationToken, timeout: timeout).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (null, Failed(address, host, $"the command {Shown(command)}", result));
        }

        return (ExecAttributes(inputs, address, pending: false, ran: true, exitCode: result.Status, stdout: Truncated(result.Stdout)), null);
    }

    private async Task<(Value?, ProviderError?)> ReadExecAsync(InventoryHost host, string address, Inputs inputs, System.Collections.Immutable.ImmutableSortedDictionary<string, Value>? prior, CancellationToken cancellationToken)
    {
        var (run, _, error) = await GuardsAsync(host, address, inputs, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        var guarded = inputs.Known("creates") is not null || inputs.Known("only_if") is not null || inputs.Known("not_if") is not null;
        Value Prior(string name, Value fallback) => prior is not null && prior.TryGetValue(name, out var value) && value.IsWhollyKnown ? value : fallback;
        var attributes = ExecAttributes(inputs, address, pending: guarded && run, ran: false, exitCode: null, stdout: string.Empty).AsMap()
            .SetItem("ran", Prior("ran", Value.False))
            .SetItem("exit_code", Prior("exit_code", Value.Null))
            .SetItem("stdout", Prior("stdout", Value.EmptyString));
        return (Value.Map(attributes), null);
    }

    /// <summary>Whether the guards let the command run (true without guards), and why not.</summary>
    private async Task<(bool Run, string? Reason, ProviderError? Error)> GuardsAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var creates = inputs.Text("creates");
        var onlyIf = inputs.Strings("only_if");
        var notIf = inputs.Strings("not_if");
        if (creates is null && onlyIf is null && notIf is null)
        {
            return (true, null, null);
        }

        var script = new StringBuilder();
        if (inputs.Text("cwd") is { } cwd)
        {
            script.Append("cd -- ").Append(RemoteShell.Quote([cwd])).Append(" || exit 3\n");
        }

        if (creates is not null)
        {
            script.Append("if [ -e ").Append(RemoteShell.Quote([creates])).Append(" ]; then echo 'skip creates'; exit 0; fi\n");
        }

        if (onlyIf is not null)
        {
            script.Append("if ! ").Append(RemoteShell.Quote(WithEnvironment(onlyIf, inputs))).Append(" >/dev/null 2>&1 </dev/null; then echo 'skip only_if'; exit 0; fi\n");
        }

        if (notIf is not null)
        {
            script.Append("if ").Append(RemoteShell.Quote(WithEnvironment(notIf, inputs))).Append(" >/dev/null 2>&1 </dev/null; then echo 'skip not_if'; exit 0; fi\n");
        }

        script.Append("echo run\n");
        var result = await RunAsync(host, RemoteShell.Script(script.ToString()), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (false, null, Failed(address, host, "evaluating the guards", result));
        }

        var said = result.Stdout.Trim();
        return said == "run" ? (true, null, null) : (false, said.StartsWith("skip ", StringComparison.Ordinal) ? said[5..] : said, null);
    }

    /// <summary><paramref name="command"/> with the inputs' environment and working directory.</summary>
    private static IReadOnlyList<string> Prepared(IReadOnlyList<string> command, Inputs inputs)
    {
        var argv = WithEnvironment(command, inputs);
        return inputs.Text("cwd") is { } cwd ? RemoteShell.Script(RemoteScripts.InDirectory, [cwd, .. argv]) : argv;
    }

    private static IReadOnlyList<string> WithEnvironment(IReadOnlyList<string> command, Inputs inputs) =>
        inputs.StringMap("environment") is { Count: > 0 } environment
            ? ["env", .. environment.Select(e => $"{e.Key}={e.Value}"), .. command]
            : command;

    private static Value ExecAttributes(Inputs inputs, string address, bool pending, bool ran, int? exitCode, string stdout)
    {
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var attribute in HostSchema.Exec.Attributes.Where(a => !a.Computed))
        {
            attributes[attribute.Name] = inputs.Known(attribute.Name) ?? attribute.Default ?? Value.Null;
        }

        attributes["id"] = Value.String(IdOf(HostSchema.ExecType, inputs, address)!);
        attributes["pending"] = Value.Bool(pending);
        attributes["ran"] = Value.Bool(ran);
        attributes["exit_code"] = exitCode is { } code ? Value.Number(code) : Value.Null;
        attributes["stdout"] = Value.String(stdout).WithSensitivity(inputs.Map.Values.Any(v => v.ContainsSensitive));
        return Value.Map(attributes);
    }

    /// <summary>A command for a message: its arguments, the first 200 characters.</summary>
    private static string Shown(IReadOnlyList<string> command)
    {
        var text = string.Join(' ', command);
        return "`" + (text.Length <= 200 ? text : text[..200] + "…") + "`";
    }

    private static string Truncated(string text) => text.Length <= HostSchema.MaxOutputChars ? text : text[..HostSchema.MaxOutputChars];
}
