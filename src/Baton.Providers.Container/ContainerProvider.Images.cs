using Baton.Providers.Container.Engine;
using Baton.Replicas;
using Baton.Values;

namespace Baton.Providers.Container;

/// <summary>
/// <c>container.image</c>: an image that must exist. Its id is its name (a rebuild keeps the resource and changes
/// <c>image_id</c>); a build or import is done again when the files it is made from change (<c>source_sha256</c>),
/// and an image that is gone from the engine is drift that the next apply makes again.
/// </summary>
internal sealed partial class ContainerProvider
{
    /// <summary>The label on a built image that records what it was built from.</summary>
    private const string SourceLabel = "baton.source-sha256";

    private PlanResult PlanImage(PlanRequest request)
    {
        var plan = ResourcePlanning.Plan(ContainerSchema.Image, request);
        var builder = plan.PlannedAttributes.AsMap().ToBuilder();
        var spec = ImageSpec.Read(request.Inputs, _roots, []);
        var source = request.Inputs.IsWhollyKnown ? spec.SourceHash() : null;
        builder["source_sha256"] = source is null ? Value.Unknown(BatonType.String) : Value.String(source);
        builder["id"] = request.Inputs.AsMap().TryGetValue("name", out var name) ? name : Value.Unknown(BatonType.String);
        if (request.PriorAttributes is { Kind: ValueKind.Map } prior)
        {
            var before = prior.AsMap();
            var changed = source is null || !before.TryGetValue("source_sha256", out var priorSource) || priorSource != Value.String(source)
                || ContainerSchema.Image.Attributes.Where(a => !a.Computed).Any(a => !before.TryGetValue(a.Name, out var was) || was != builder[a.Name]);
            if (changed && plan.RequiresReplace.IsEmpty)
            {
                builder["image_id"] = Value.Unknown(BatonType.String);
                builder["digest"] = Value.Unknown(BatonType.String);
            }
        }

        return plan with { PlannedAttributes = Value.Map(builder) };
    }

    private ImageSpec? ParseImage(string address, Value inputs, out ProviderError? error)
    {
        var errors = new List<string>();
        var spec = ImageSpec.Read(inputs, _roots, errors);
        error = errors.Count > 0 ? ProviderError.Permanent($"{address}: {string.Join("; ", errors)}") : null;
        return error is null ? spec : null;
    }

    private async ValueTask<ResourceResult> CreateImageAsync(CreateRequest request, CancellationToken cancellationToken) =>
        await MakeImageAsync(request.Address, request.Inputs, request.IdempotencyKey, rebuild: false, cancellationToken);

    private async ValueTask<ResourceResult> UpdateImageAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        await MakeImageAsync(request.Address, request.Inputs, request.IdempotencyKey, rebuild: true, cancellationToken);

    /// <summary>
    /// Makes the image exist: builds or imports it (always on <paramref name="rebuild"/>; on create only when the name
    /// is not there with the same source already, so a retried create does not build twice), or, for a reference,
    /// pulls it when it is missing.
    /// </summary>
    private async ValueTask<ResourceResult> MakeImageAsync(string address, Value inputs, string operation, bool rebuild, CancellationToken cancellationToken)
    {
        var spec = ParseImage(address, inputs, out var parseError);
        if (spec is null)
        {
            return ResourceResult.Failure(parseError!);
        }

        var client = await _engine.GetAsync(cancellationToken);
        var source = spec.SourceHash();
        if (source is null)
        {
            return ResourceResult.Failure(ProviderError.Permanent(spec.Import is { } missing
                ? $"{address}: the tarball {missing} does not exist"
                : $"{address}: the build context {spec.BuildContext} does not exist"));
        }

        var existing = await client.InspectImageAsync(spec.Name, cancellationToken);
        if (spec.BuildContext is { } context && (rebuild || existing is null || !existing.Labels.TryGetValue(SourceLabel, out var built) || built != source))
        {
            var labels = ContainerLabels.For(_stack, address, operation);
            labels[SourceLabel] = source;
            var tarPath = Path.Combine(Path.GetTempPath(), "baton-context-" + Guid.NewGuid().ToString("N") + ".tar");
            try
            {
                await using (var tar = new FileStream(tarPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose))
                {
                    await DirectoryTar.WriteAsync(context, tar, cancellationToken);
                    tar.Position = 0;
                    if (!File.Exists(Path.Combine(context, spec.Dockerfile)))
                    {
                        return ResourceResult.Failure(ProviderError.Permanent($"{address}: the build context has no {spec.Dockerfile}"));
                    }

                    await client.BuildImageAsync(tar, spec.Dockerfile, spec.Name, labels, spec.BuildArgs, cancellationToken);
                }
            }
            catch (DockerEngineException exception) when (!exception.IsTransient)
            {
                return ResourceResult.Failure(ProviderError.Permanent($"{address}: the build of {spec.Name} failed: {exception.Message}"));
            }
        }
        else if (spec.Import is { } tarball && (rebuild || existing is null || !existing.Labels.TryGetValue(SourceLabel, out var imported) || imported != source))
        {
            var labels = ContainerLabels.For(_stack, address, operation);
            labels[SourceLabel] = source;
            await using var stream = File.OpenRead(tarball);
            var (repository, tag) = ImageReference.Split(spec.Name);
            await client.ImportImageAsync(stream, repository, tag, labels, cancellationToken);
        }
        else if (!spec.Made && existing is null)
        {
            try
            {
                await client.PullImageAsync(spec.Name, cancellationToken);
            }
            catch (DockerEngineException exception) when (!exception.IsTransient)
            {
                return ResourceResult.Failure(ProviderError.Permanent($"{address}: the image \"{spec.Name}\" is not on the engine and could not be pulled: {exception.Message}"));
            }
        }

        var details = await client.InspectImageAsync(spec.Name, cancellationToken);
        if (details is null)
        {
            return ResourceResult.Failure(ProviderError.Transient($"{address}: the image \"{spec.Name}\" was made but the engine does not show it"));
        }

        return ResourceResult.Success(spec.Name, ImageAttributes(inputs, spec, details, source));
    }

    private async ValueTask<ReadResult> ReadImageAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        var name = request.Inputs is { Kind: ValueKind.Map } inputs && inputs.AsMap().TryGetValue("name", out var n) && n.Kind == ValueKind.String ? n.AsString() : request.Id;
        if (name is null)
        {
            return ReadResult.Gone;
        }

        var client = await _engine.GetAsync(cancellationToken);
        if (await client.InspectImageAsync(name, cancellationToken) is not { } details)
        {
            return ReadResult.Gone;
        }

        var given = request.Inputs is { Kind: ValueKind.Map } known ? known : Value.Map([new("name", Value.String(name))]);
        var spec = ImageSpec.Read(given, _roots, []);

        // What the image was made from, as its label tells (set by the build or import), or the last state when the image
        // is still the one it recorded; otherwise unknown provenance, which a plan makes again.
        var priorImage = request.Attributes is { Kind: ValueKind.Map } attributes && attributes.AsMap().TryGetValue("image_id", out var id) ? id : null;
        var priorSource = request.Attributes is { Kind: ValueKind.Map } state && state.AsMap().TryGetValue("source_sha256", out var s) && s.Kind == ValueKind.String ? s.AsString() : null;
        var source = !spec.Made ? ""
            : details.Labels.TryGetValue(SourceLabel, out var label) ? label
            : priorImage == Value.String(details.Id) ? priorSource ?? "" : "";
        return ReadResult.Found(name, ImageAttributes(given, spec, details, source));
    }

    private async ValueTask<DeleteResult> DeleteImageAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        var inputs = request.Attributes is { Kind: ValueKind.Map } attributes ? attributes : Value.Map([new("name", Value.String(request.Id))]);
        var spec = ImageSpec.Read(inputs, _roots, []);
        if (!spec.Made || spec.KeepLocally)
        {
            return DeleteResult.Success;
        }

        var client = await _engine.GetAsync(cancellationToken);
        await client.RemoveImageAsync(request.Id, force: false, cancellationToken);
        return DeleteResult.Success;
    }

    private static Value ImageAttributes(Value inputs, ImageSpec spec, ImageDetails details, string source)
    {
        var builder = ServicePlanning.Normalize(ContainerSchema.Image, inputs).AsMap().ToBuilder();
        builder["id"] = Value.String(spec.Name);
        builder["image_id"] = Value.String(details.Id);
        var digest = details.RepoDigests.Select(d => d.Split('@')).FirstOrDefault(p => p.Length == 2)?[1];
        builder["digest"] = Value.String(digest ?? details.Id);
        builder["source_sha256"] = Value.String(source);
        return Value.Map(builder);
    }
}
