using System.Text;
using Baton.Text;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>The workflow actions: <c>host.exec</c>, <c>host.restart</c>, <c>host.reload</c>, <c>host.copy</c>, <c>host.fetch</c> and <c>host.facts</c>.</summary>
internal sealed partial class HostProvider
{
    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.Action is not (HostSchema.ExecAction or HostSchema.RestartAction or HostSchema.ReloadAction or HostSchema.CopyAction or HostSchema.FetchAction or HostSchema.FactsAction))
        {
            return ActionFailed(request.Action, $"the host provider has no action \"{request.Action}\"");
        }

        if (request.Inputs.Kind != ValueKind.Map)
        {
            return ActionFailed(request.Action, "the inputs must be a map");
        }

        var inputs = new Inputs(request.Inputs);
        if (inputs.Text("host") is not { } hostName)
        {
            return ActionFailed(request.Action, "host is required: a host name of the inventory");
        }

        if (!options.Inventory.TryGetValue(hostName, out var host))
        {
            return ActionFailed(request.Action, UnknownHost(hostName));
        }

        try
        {
            var result = request.Action switch
            {
                HostSchema.ExecAction => await ExecActionAsync(request.Action, host, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.FactsAction => await FactsActionAsync(host, cancellationToken).ConfigureAwait(false),
                HostSchema.CopyAction => await CopyActionAsync(request.Action, host, inputs, cancellationToken).ConfigureAwait(false),
                HostSchema.FetchAction => await FetchActionAsync(request.Action, host, inputs, cancellationToken).ConfigureAwait(false),
                _ => await ServiceActionAsync(request.Action, host, inputs, cancellationToken).ConfigureAwait(false),
            };
            return result.Error is { } error ? result with { Error = Scrubbed(error, request.Inputs) } : result;
        }
        catch (RemoteHostException exception)
        {
            return new InvokeResult { Error = exception.Error with { Message = $"{request.Action}: {exception.Error.Message}" } };
        }
    }

    private async Task<InvokeResult> ExecActionAsync(string action, InventoryHost host, Inputs inputs, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (inputs.Strings("command") is not { Count: > 0 } command || command.Any(a => a.Contains('\0', StringComparison.Ordinal)))
        {
            return ActionFailed(action, "command is required: an argument list such as [\"uptime\"]");
        }

        if (inputs.Known("cwd") is { } cwd && (cwd.Kind != ValueKind.String || !cwd.AsString().StartsWith('/')))
        {
            errors.Add($"cwd: expected an absolute path, got {cwd}");
        }

        ValidateEnvironment(inputs, errors);
        var timeout = ActionTimeout(inputs, errors);

        int? expect = null;
        if (inputs.Known("expect_exit_code") is { } e)
        {
            if (e.Kind != ValueKind.Number || !e.IsInteger)
            {
                errors.Add($"expect_exit_code: expected a whole number, got {e}");
            }
            else
            {
                expect = (int)e.AsNumber();
            }
        }

        if (errors.Count > 0)
        {
            return ActionFailed(action, string.Join("; ", errors));
        }

        ReadOnlyMemory<byte>? stdin = inputs.Text("stdin") is { } text ? Encoding.UTF8.GetBytes(text) : null;
        var result = await RunAsync(host, Prepared(command, inputs), cancellationToken, stdin, timeout).ConfigureAwait(false);
        var outputs = Value.Map(
        [
            new("exit_code", Value.Number(result.Status)),
            new("stdout", Value.String(Truncated(result.Stdout))),
            new("stderr", Value.String(Truncated(result.Stderr))),
        ]);
        if (expect is { } expected && result.Status != expected)
        {
            return new InvokeResult { Outputs = outputs, Error = Failed(action, host, $"the command {Shown(command)} (expected exit code {expected})", result) };
        }

        return new InvokeResult { Outputs = outputs };
    }

    /// <summary>The action's timeout input, or null when not given (a bad one adds an error).</summary>
    private static TimeSpan? ActionTimeout(Inputs inputs, List<string> errors)
    {
        if (inputs.Known("timeout") is not { } given)
        {
            return null;
        }

        if (!Durations.TryParse(given, out var parsed, out _) || parsed <= TimeSpan.Zero)
        {
            errors.Add($"timeout: expected a duration such as \"30s\", got {given}");
            return null;
        }

        return parsed;
    }

    private static InvokeResult ActionFailed(string action, string message) =>
        new() { Error = ProviderError.Permanent($"{action}: {message}") };
}
