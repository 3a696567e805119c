using System.Net;
using System.Net.Http.Headers;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// A request body copied from a caller's stream as it is sent (chunked, since its length is not asked for), which
/// unlike <see cref="StreamContent"/> leaves the stream open: the caller owns it.
/// </summary>
internal sealed class StreamingContent : HttpContent
{
    private readonly Stream _source;

    public StreamingContent(Stream source, string mediaType)
    {
        _source = source;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _source.CopyToAsync(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
