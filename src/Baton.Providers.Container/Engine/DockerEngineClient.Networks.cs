using System.Text.Json.Nodes;

namespace Baton.Providers.Container.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>Creates a network and returns its id. A name already taken is a 409 (Podman answers it with 500).</summary>
    public async Task<string> CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["Name"] = spec.Name,
            ["Driver"] = spec.Driver,
            ["Internal"] = spec.Internal,
            ["CheckDuplicate"] = true,
            ["Labels"] = EngineJson.Object(spec.Labels),
            ["Options"] = EngineJson.Object(spec.Options),
        };
        if (spec.Subnet is not null)
        {
            var range = new JsonObject { ["Subnet"] = spec.Subnet };
            if (spec.Gateway is not null)
            {
                range["Gateway"] = spec.Gateway;
            }

            body["IPAM"] = new JsonObject { ["Driver"] = "default", ["Config"] = new JsonArray(range) };
        }

        var created = await CallAsync(HttpMethod.Post, "/networks/create", body, cancellationToken);
        return EngineJson.String(created, "Id") is { Length: > 0 } id
            ? id
            : throw new DockerEngineException($"the engine created the network {spec.Name} but answered no id", null, isTransient: false);
    }

    /// <summary>The network <paramref name="idOrName"/>; null when there is none.</summary>
    public async Task<NetworkDetails?> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken)
    {
        var network = await CallAsync(HttpMethod.Get, $"/networks/{Escape(idOrName)}", null, cancellationToken, notFoundIsNull: true);
        return network is null ? null : Network(network);
    }

    /// <summary>Removes a network; one that is not there is already removed. One that containers still use is an error.</summary>
    public async Task RemoveNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Delete, $"/networks/{Escape(idOrName)}", null, cancellationToken, notFoundIsNull: true);

    /// <summary>The networks carrying every one of <paramref name="labelFilters"/>.</summary>
    public async Task<IReadOnlyList<NetworkDetails>> ListNetworksAsync(IReadOnlyDictionary<string, string> labelFilters, CancellationToken cancellationToken)
    {
        var list = await CallAsync(HttpMethod.Get, $"/networks?filters={Escape(EngineJson.LabelFilters(labelFilters))}", null, cancellationToken);
        return list is JsonArray networks ? [.. networks.Select(Network)] : [];
    }

    private static NetworkDetails Network(JsonNode? network) => new()
    {
        Id = EngineJson.String(network, "Id"),
        Name = EngineJson.String(network, "Name"),
        Driver = EngineJson.String(network, "Driver"),
        Internal = EngineJson.Bool(network, "Internal"),
        Labels = EngineJson.StringMap(network, "Labels"),
        Subnets = network?["IPAM"]?["Config"] is JsonArray ranges
            ? [.. ranges.Select(range => new NetworkSubnet(EngineJson.String(range, "Subnet"), EngineJson.String(range, "Gateway") is { Length: > 0 } gateway ? gateway : null))]
            : [],
    };

    /// <summary>Connects a created container to one more network (an API before 1.44 takes only one at create).</summary>
    public async Task ConnectNetworkAsync(string network, string container, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Post, $"/networks/{Escape(network)}/connect", new JsonObject { ["Container"] = container }, cancellationToken);
}
