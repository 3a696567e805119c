using Baton.Providers.Container.Engine;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// <c>container.network</c> and <c>container.volume</c>: named engine objects with baton's labels. A create finds
/// what an earlier attempt with the same operation made (by its label) instead of making a second one, and refuses a
/// name that something else already holds.
/// </summary>
internal sealed partial class ContainerProvider
{
    private static void CheckNamed(string type, Value inputs, List<string> errors)
    {
        if (inputs.Kind != ValueKind.Map)
        {
            errors.Add("the inputs must be a map");
            return;
        }

        var map = inputs.AsMap();
        switch (map.TryGetValue("name", out var name) ? name : null)
        {
            case null or { Kind: ValueKind.Null }:
                errors.Add("name is required");
                break;
            case { IsKnown: false }:
                break;
            case { Kind: ValueKind.String } text when text.AsString().Length is > 0 and <= 128
                && char.IsAsciiLetterOrDigit(text.AsString()[0]) && text.AsString().All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'):
                break;
            default:
                errors.Add("name must start with a letter or digit and hold only letters, digits, '_', '.' and '-' (at most 128)");
                break;
        }

        var labels = CommandInputs.ReadEnv(map.TryGetValue("labels", out var l) ? l : null, "labels", errors);
        if (labels.Keys.FirstOrDefault(k => k.StartsWith(ContainerLabels.Prefix, StringComparison.Ordinal)) is { } reserved)
        {
            errors.Add($"labels.{reserved}: labels starting with \"{ContainerLabels.Prefix}\" are baton's own");
        }

        if (type == ContainerSchema.NetworkType && map.TryGetValue("subnet", out var subnet) && subnet.IsKnown && subnet.Kind != ValueKind.Null
            && (subnet.Kind != ValueKind.String || !System.Net.IPNetwork.TryParse(subnet.AsString(), out _)))
        {
            errors.Add("subnet must be a CIDR such as \"10.90.1.0/24\"");
        }
    }

    private static string Text(Value inputs, string name, string fallback = "") =>
        inputs.AsMap().TryGetValue(name, out var value) && value.Kind == ValueKind.String ? value.AsString() : fallback;

    private Dictionary<string, string> LabelsOf(Value inputs, string address, string operation)
    {
        var labels = ContainerLabels.For(_stack, address, operation);
        foreach (var (name, value) in CommandInputs.ReadEnv(inputs.AsMap().TryGetValue("labels", out var l) ? l : null, "labels", []))
        {
            labels[name] = value;
        }

        return labels;
    }

    /// <summary>Whether an object with <paramref name="labels"/> is this resource's: made by this operation, or by this stack for this address.</summary>
    private bool IsOurs(IReadOnlyDictionary<string, string> labels, string address, string operation) =>
        (labels.TryGetValue(ContainerLabels.Operation, out var made) && made == operation)
        || (labels.TryGetValue(ContainerLabels.Stack, out var stack) && stack == _stack && labels.TryGetValue(ContainerLabels.Resource, out var resource) && resource == address);

    private static string Owner(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(ContainerLabels.Resource, out var resource)
            ? $"made by {resource} of stack {(labels.TryGetValue(ContainerLabels.Stack, out var s) ? s : "?")}"
            : "not made by baton";

    private async ValueTask<ResourceResult> CreateNetworkAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        if (Invalid(request.Type, request.Address, request.Inputs) is { } invalid)
        {
            return ResourceResult.Failure(invalid);
        }

        var inputs = ServicePlanning.Normalize(ContainerSchema.Network, request.Inputs);
        var name = Text(inputs, "name");
        var client = await _engine.GetAsync(cancellationToken);
        if (await client.InspectNetworkAsync(name, cancellationToken) is { } existing)
        {
            return IsOurs(existing.Labels, request.Address, request.IdempotencyKey)
                ? ResourceResult.Success(existing.Id, NetworkAttributes(inputs, existing.Id))
                : ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: a network named \"{name}\" already exists ({Owner(existing.Labels)}); choose another name"));
        }

        var id = await client.CreateNetworkAsync(
            new NetworkSpec
            {
                Name = name,
                Driver = Text(inputs, "driver", "bridge"),
                Internal = inputs.AsMap()["internal"] == Value.True,
                Subnet = Text(inputs, "subnet") is { Length: > 0 } subnet ? subnet : null,
                Labels = LabelsOf(inputs, request.Address, request.IdempotencyKey),

                // Engines number their bridges (podman1, podman2…) per instance, so two engines on one host can pick the same
                // interface; a name of its own, derived from the network's, keeps them apart.
                Options = Text(inputs, "driver", "bridge") == "bridge"
                    ? new Dictionary<string, string> { ["com.docker.network.bridge.name"] = "bt" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_stack + "/" + name)))[..11] }
                    : new Dictionary<string, string>(),
            },
            cancellationToken);
        return ResourceResult.Success(id, NetworkAttributes(inputs, id));
    }

    private async ValueTask<ReadResult> ReadNetworkAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        var client = await _engine.GetAsync(cancellationToken);
        var network = request.Id is { } id
            ? await client.InspectNetworkAsync(id, cancellationToken)
            : request.IdempotencyKey is { } key
                ? (await client.ListNetworksAsync(new Dictionary<string, string> { [ContainerLabels.Operation] = key }, cancellationToken)) is [var first, ..] ? first : null
                : null;
        if (network is null)
        {
            return ReadResult.Gone;
        }

        var inputs = ServicePlanning.Normalize(ContainerSchema.Network, Value.Map(
        [
            new("name", Value.String(network.Name)),
            new("driver", Value.String(network.Driver)),
            new("internal", Value.Bool(network.Internal)),
            new("subnet", Given(request.Inputs, "subnet") is { } subnet ? subnet : Value.Null),
            new("labels", UserLabels(network.Labels)),
        ]));
        return ReadResult.Found(network.Id, NetworkAttributes(inputs, network.Id));
    }

    private async ValueTask<DeleteResult> DeleteNetworkAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        var client = await _engine.GetAsync(cancellationToken);
        await client.RemoveNetworkAsync(request.Id, cancellationToken);
        return DeleteResult.Success;
    }

    private static Value NetworkAttributes(Value inputs, string id) => Value.Map(inputs.AsMap().SetItem("id", Value.String(id)));

    private async ValueTask<ResourceResult> CreateVolumeAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        if (Invalid(request.Type, request.Address, request.Inputs) is { } invalid)
        {
            return ResourceResult.Failure(invalid);
        }

        var inputs = ServicePlanning.Normalize(ContainerSchema.Volume, request.Inputs);
        var name = Text(inputs, "name");
        var client = await _engine.GetAsync(cancellationToken);

        // An engine answers a create of an existing volume with that volume: ownership is checked first.
        if (await client.InspectVolumeAsync(name, cancellationToken) is { } existing)
        {
            return IsOurs(existing.Labels, request.Address, request.IdempotencyKey)
                ? ResourceResult.Success(existing.Name, VolumeAttributes(inputs, existing))
                : ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: a volume named \"{name}\" already exists ({Owner(existing.Labels)}); choose another name"));
        }

        var volume = await client.CreateVolumeAsync(name, Text(inputs, "driver", "local"), LabelsOf(inputs, request.Address, request.IdempotencyKey), cancellationToken);
        return ResourceResult.Success(volume.Name, VolumeAttributes(inputs, volume));
    }

    private async ValueTask<ReadResult> ReadVolumeAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        var client = await _engine.GetAsync(cancellationToken);
        var volume = request.Id is { } id
            ? await client.InspectVolumeAsync(id, cancellationToken)
            : request.IdempotencyKey is { } key
                ? (await client.ListVolumesAsync(new Dictionary<string, string> { [ContainerLabels.Operation] = key }, cancellationToken)) is [var first, ..] ? first : null
                : null;
        if (volume is null)
        {
            return ReadResult.Gone;
        }

        var inputs = ServicePlanning.Normalize(ContainerSchema.Volume, Value.Map(
        [
            new("name", Value.String(volume.Name)),
            new("driver", Value.String(volume.Driver)),
            new("labels", UserLabels(volume.Labels)),
        ]));
        return ReadResult.Found(volume.Name, VolumeAttributes(inputs, volume));
    }

    private async ValueTask<DeleteResult> DeleteVolumeAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        var client = await _engine.GetAsync(cancellationToken);
        await client.RemoveVolumeAsync(request.Id, force: false, cancellationToken);
        return DeleteResult.Success;
    }

    private static Value VolumeAttributes(Value inputs, VolumeDetails volume) =>
        Value.Map(inputs.AsMap().SetItem("id", Value.String(volume.Name)).SetItem("mountpoint", Value.String(volume.Mountpoint)));

    /// <summary>The labels a stack gave an object: all but baton's own (null when none, as when the stack gave none).</summary>
    private static Value UserLabels(IReadOnlyDictionary<string, string> labels)
    {
        var own = labels.Where(l => !l.Key.StartsWith(ContainerLabels.Prefix, StringComparison.Ordinal)).ToList();
        return own.Count == 0 ? Value.Null : Value.Map(own.Select(l => new KeyValuePair<string, Value>(l.Key, Value.String(l.Value))));
    }

    private static Value? Given(Value? inputs, string name) =>
        inputs is { Kind: ValueKind.Map } map && map.AsMap().TryGetValue(name, out var value) && value.Kind != ValueKind.Null ? value : null;

    private static ProviderError? Invalid(string type, string address, Value inputs)
    {
        var errors = new List<string>();
        CheckNamed(type, inputs, errors);
        return errors.Count > 0 ? ProviderError.Permanent($"{address}: {string.Join("; ", errors)}") : null;
    }
}
