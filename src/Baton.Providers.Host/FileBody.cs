using System.Security.Cryptography;
using System.Text;

namespace Baton.Providers.Host;

/// <summary>
/// What a file write sends: a way to open the bytes (read once per write, from memory or streamed from a local
/// file), how many there are and their SHA-256, which the remote write script checks before it renames.
/// </summary>
internal sealed record FileBody(Func<Stream> Open, long Size, string Sha256)
{
    /// <summary>The UTF-8 bytes of <paramref name="text"/>.</summary>
    public static FileBody Of(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new FileBody(() => new MemoryStream(bytes, writable: false), bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>The local file <paramref name="path"/>, hashed once now by streaming it, and streamed again when sent.</summary>
    public static async Task<FileBody> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return new FileBody(() => OpenRead(path), stream.Length, Convert.ToHexStringLower(hash));
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
