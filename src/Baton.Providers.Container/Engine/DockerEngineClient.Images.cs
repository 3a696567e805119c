using System.Text.Json.Nodes;

namespace Baton.Providers.Container.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>How many lines of a failed build's output its error carries, and a finished build returns.</summary>
    public const int BuildOutputTailLines = 20;

    /// <summary>The image <paramref name="reference"/> (a name, <c>name:tag</c> or id); null when there is none.</summary>
    public async Task<ImageDetails?> InspectImageAsync(string reference, CancellationToken cancellationToken)
    {
        var image = await CallAsync(HttpMethod.Get, $"/images/{EscapeReference(reference)}/json", null, cancellationToken, notFoundIsNull: true);
        return image is null ? null : new ImageDetails
        {
            Id = EngineJson.String(image, "Id"),
            RepoTags = EngineJson.StringList(image, "RepoTags"),
            RepoDigests = EngineJson.StringList(image, "RepoDigests"),
            Labels = EngineJson.StringMap(image["Config"], "Labels"),
        };
    }

    /// <summary>
    /// Pulls <paramref name="reference"/> (<c>name</c>, <c>name:tag</c> or <c>name@sha256:…</c>; <c>latest</c> when
    /// no tag). The answer is a 200 progress stream whatever happens; an error inside it (no such image, a registry
    /// that cannot be reached, denied) is a permanent error with the engine's message.
    /// </summary>
    public async Task PullImageAsync(string reference, CancellationToken cancellationToken)
    {
        var (repository, tag) = ImageReference.Split(reference);
        using var response = await SendAsync(HttpMethod.Post, $"/images/create?fromImage={Escape(repository)}&tag={Escape(tag)}", null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }

        await foreach (var _ in JsonLinesAsync(response, null, cancellationToken))
        {
            // Progress only; the end of the stream without an error line is success.
        }
    }

    /// <summary>
    /// Imports a root filesystem tar (streamed from <paramref name="tarball"/>, which stays open) as the image
    /// <paramref name="repository"/>:<paramref name="tag"/> and returns its id. The tag travels inside
    /// <c>repo=</c>, since Podman ignores a separate <c>tag=</c>. Podman stores a name without a registry as
    /// <c>docker.io/library/NAME:TAG</c> (<c>docker.io/NAME:TAG</c> when it has a slash). <paramref name="labels"/>
    /// go on the image as <c>LABEL</c> changes.
    /// </summary>
    public async Task<string> ImportImageAsync(Stream tarball, string repository, string tag, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        using var content = new StreamingContent(tarball, "application/x-tar");
        var changes = string.Concat(labels.Select(l => "&changes=" + Escape($"LABEL {JsonValue.Create(l.Key).ToJsonString()}={JsonValue.Create(l.Value).ToJsonString()}")));
        using var response = await SendAsync(HttpMethod.Post, $"/images/create?fromSrc=-&repo={Escape(repository + ":" + tag)}{changes}", content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }

        string? id = null;
        await foreach (var line in JsonLinesAsync(response, null, cancellationToken))
        {
            // Podman reports {"status":"sha256:…","id":"sha256:…"}, Docker {"status":"sha256:…"}.
            foreach (var candidate in (string[])[EngineJson.String(line, "id"), EngineJson.String(line, "status")])
            {
                if (candidate.StartsWith("sha256:", StringComparison.Ordinal))
                {
                    id = candidate;
                }
            }
        }

        return id ?? (await InspectImageAsync(repository + ":" + tag, cancellationToken))?.Id
            ?? throw new DockerEngineException($"the engine accepted the import of {repository}:{tag} but has no such image afterwards", null, isTransient: true);
    }

    /// <summary>
    /// Builds the image <paramref name="tag"/> from a context tar (streamed from <paramref name="contextTar"/>, which
    /// stays open) with the Dockerfile at <paramref name="dockerfile"/> inside it, adding <paramref name="labels"/>
    /// and passing <paramref name="buildArgs"/>. A failed step is a permanent error with the builder's message and
    /// the last <see cref="BuildOutputTailLines"/> lines of the output. The id is the builder's <c>aux.ID</c>, or
    /// that of the tag afterwards.
    /// </summary>
    public async Task<ImageBuildResult> BuildImageAsync(
        Stream contextTar,
        string dockerfile,
        string tag,
        IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> buildArgs,
        CancellationToken cancellationToken)
    {
        var query = $"/build?t={Escape(tag)}&dockerfile={Escape(dockerfile)}&rm=true"
            + $"&labels={Escape(EngineJson.Object(labels).ToJsonString())}&buildargs={Escape(EngineJson.Object(buildArgs).ToJsonString())}";
        using var content = new StreamingContent(contextTar, "application/x-tar");
        using var response = await SendAsync(HttpMethod.Post, query, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }

        var tail = new Queue<string>();
        string? id = null;
        string Context() => tail.Count == 0 ? "" : "the build's last lines:\n" + string.Join('\n', tail);
        await foreach (var line in JsonLinesAsync(response, Context, cancellationToken))
        {
            if (line["aux"] is JsonObject aux && EngineJson.String(aux, "ID") is { Length: > 0 } auxId)
            {
                id = auxId;
            }

            foreach (var text in EngineJson.String(line, "stream").Split('\n'))
            {
                if (text.Trim().Length == 0)
                {
                    continue;
                }

                tail.Enqueue(text.TrimEnd('\r'));
                if (tail.Count > BuildOutputTailLines)
                {
                    tail.Dequeue();
                }
            }
        }

        id ??= (await InspectImageAsync(tag, cancellationToken))?.Id
            ?? throw new DockerEngineException($"the build of {tag} ended without an error but the engine has no such image: {Context()}", null, isTransient: false);
        return new ImageBuildResult { Id = id, OutputTail = [.. tail] };
    }

    /// <summary>An image reference in a path: each segment escaped, the slashes kept (as Docker's own client sends it).</summary>
    private static string EscapeReference(string reference) => string.Join('/', reference.Split('/').Select(Escape));

    /// <summary>Removes (untags) an image; one that is not there is already removed. An image in use is a 409 unless <paramref name="force"/>.</summary>
    public async Task RemoveImageAsync(string idOrReference, bool force, CancellationToken cancellationToken) =>
        await CallAsync(HttpMethod.Delete, $"/images/{EscapeReference(idOrReference)}?force={Flag(force)}", null, cancellationToken, notFoundIsNull: true);
}
