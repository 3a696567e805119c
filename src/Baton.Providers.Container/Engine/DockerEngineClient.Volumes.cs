using System.Text.Json.Nodes;

namespace Baton.Providers.Container.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>
    /// Creates a volume. A name already taken is not an error: Docker and Podman both answer with the existing
    /// volume (whose labels may differ from <paramref name="labels"/>).
    /// </summary>
    public async Task<VolumeDetails> CreateVolumeAsync(string name, string driver, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["Name"] = name, ["Driver"] = driver, ["Labels"] = EngineJson.Object(labels) };
        return Volume(await CallAsync(HttpMethod.Post, "/volumes/create", body, cancellationToken));
    }

    /// <summary>The volume <paramref name="name"/>; null when there is none.</summary>
    public async Task<VolumeDetails?> InspectVolumeAsync(string name, CancellationToken cancellationToken)
    {
        var volume = await CallAsync(HttpMethod.Get, $"/volumes/{Escape(name)}", null, cancellationToken, notFoundIsNull: true);
        return volume is null ? null : Volume(volume);
    }

    /// <summary>Removes a volume; one that is not there is already removed. One in use is a 409 unless <paramref name="force"/>.</summary>
    public async Task RemoveVolumeAsync(string name, bool force, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Delete, $"/volumes/{Escape(name)}?force={Flag(force)}", null, cancellationToken, notFoundIsNull: true);

    /// <summary>The volumes carrying every one of <paramref name="labelFilters"/>.</summary>
    public async Task<IReadOnlyList<VolumeDetails>> ListVolumesAsync(IReadOnlyDictionary<string, string> labelFilters, CancellationToken cancellationToken)
    {
        var list = await CallAsync(HttpMethod.Get, $"/volumes?filters={Escape(EngineJson.LabelFilters(labelFilters))}", null, cancellationToken);
        return list?["Volumes"] is JsonArray volumes ? [.. volumes.Select(Volume)] : [];
    }

    private static VolumeDetails Volume(JsonNode? volume) => new()
    {
        Name = EngineJson.String(volume, "Name"),
        Driver = EngineJson.String(volume, "Driver"),
        Mountpoint = EngineJson.String(volume, "Mountpoint"),
        Labels = EngineJson.StringMap(volume, "Labels"),
    };
}
