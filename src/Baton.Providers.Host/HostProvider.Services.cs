using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// <c>host.service</c> and the <c>host.restart</c> and <c>host.reload</c> actions: one script reads whether the host
/// runs systemd and the service's state; changes go through systemctl, or <c>service</c> and <c>update-rc.d</c>.
/// </summary>
internal sealed partial class HostProvider
{
    private static void ValidateService(Inputs inputs, List<string> errors)
    {
        if (inputs.Known("name") is { } name && (name.Kind != ValueKind.String || !IsServiceName(name.AsString())))
        {
            errors.Add($"name: \"{name.ToDisplayString()}\" is not a service name");
        }

        ValidateState(inputs, errors, "running", "stopped");
        if (inputs.Known("enabled") is { } enabled && enabled.Kind != ValueKind.Bool)
        {
            errors.Add($"enabled: expected true or false, got {enabled}");
        }
    }

    private static bool IsServiceName(string name) =>
        name.Length is > 0 and <= 200 && name[0] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@' or ':');

    private async Task<(Value?, ProviderError?)> ApplyServiceAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var name = inputs.Text("name")!;
        var (found, error) = await ServiceStateAsync(host, address, name, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        if (found.GetValueOrDefault("exists") != "1")
        {
            return (null, ProviderError.Permanent($"{address}: on {host.Display}: there is no service \"{name}\" ({(found.GetValueOrDefault("init") == "systemd" ? "no systemd unit" : "no /etc/init.d script")})"));
        }

        if (inputs.Known("enabled") is { } enabled && (found.GetValueOrDefault("enabled") == "1") != enabled.AsBool())
        {
            var changed = await ScriptAsync(host, RemoteScripts.ServiceEnable, [name, enabled.AsBool() ? "1" : "0"], cancellationToken).ConfigureAwait(false);
            if (!changed.Succeeded)
            {
                return (null, Failed(address, host, $"{(enabled.AsBool() ? "enabling" : "disabling")} the service {name}", changed));
            }
        }

        if (inputs.Text("state") is { } state && (found.GetValueOrDefault("running") == "1") != (state == "running"))
        {
            var verb = state == "running" ? "start" : "stop";
            var changed = await ScriptAsync(host, RemoteScripts.ServiceControl, [name, verb], cancellationToken).ConfigureAwait(false);
            if (!changed.Succeeded)
            {
                return (null, Failed(address, host, $"{verb} of the service {name}", changed));
            }
        }

        var (after, afterError) = await ServiceStateAsync(host, address, name, cancellationToken).ConfigureAwait(false);
        return afterError is not null ? (null, afterError) : (ServiceAttributes(inputs, after), null);
    }

    private async Task<(Value?, ProviderError?)> ReadServiceAsync(InventoryHost host, string address, Inputs inputs, CancellationToken cancellationToken)
    {
        var (found, error) = await ServiceStateAsync(host, address, inputs.Text("name")!, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        return found.GetValueOrDefault("exists") == "1" ? (ServiceAttributes(inputs, found), null) : (null, null);
    }

    private async Task<(Dictionary<string, string> Found, ProviderError? Error)> ServiceStateAsync(InventoryHost host, string address, string name, CancellationToken cancellationToken)
    {
        var result = await ScriptAsync(host, RemoteScripts.ServiceState, [name], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? (StateLines.Parse(result.Stdout), null) : ([], Failed(address, host, $"checking the service {name}", result));
    }

    private static Value ServiceAttributes(Inputs inputs, Dictionary<string, string> found)
    {
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["host"] = inputs.Known("host")!,
            ["name"] = inputs.Known("name")!,
            ["state"] = Value.String(found.GetValueOrDefault("running") == "1" ? "running" : "stopped"),
            ["enabled"] = Value.Bool(found.GetValueOrDefault("enabled") == "1"),
            ["init"] = Value.String(found.GetValueOrDefault("init") ?? "sysv"),
            ["id"] = Value.String(IdOf(HostSchema.ServiceType, inputs, string.Empty)!),
        };
        return Value.Map(attributes);
    }

    private async Task<InvokeResult> ServiceActionAsync(string action, InventoryHost host, Inputs inputs, CancellationToken cancellationToken)
    {
        if (inputs.Text("name") is not { } name || !IsServiceName(name))
        {
            return ActionFailed(action, "name: the service's name is required");
        }

        var verb = action == HostSchema.RestartAction ? "restart" : "reload";
        var result = await ScriptAsync(host, RemoteScripts.ServiceControl, [name, verb], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return new InvokeResult { Error = Failed(action, host, $"{verb} of the service {name}", result) };
        }

        var (found, _) = await ServiceStateAsync(host, action, name, cancellationToken).ConfigureAwait(false);
        return new InvokeResult { Outputs = Value.Map([new("init", Value.String(found.GetValueOrDefault("init") ?? "sysv"))]) };
    }
}
