using System.Buffers.Binary;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// Splits Docker's multiplexed raw stream (logs and exec of a container without a TTY) into stdout and stderr. Each
/// frame is an 8-byte header — the stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, the payload length as a
/// big-endian uint32 — and the payload. Bytes may arrive cut anywhere; <see cref="Write"/> keeps the state between
/// chunks. A stream that ends inside a frame keeps what arrived of it. With <c>multiplexed</c> false (a TTY) every
/// byte is stdout.
/// </summary>
internal sealed class RawStreamDemultiplexer(int maxBytesPerStream, BoundedBufferMode mode, bool multiplexed = true)
{
    private const int HeaderLength = 8;

    private readonly byte[] _header = new byte[HeaderLength];
    private int _headerFilled;
    private long _payloadLeft;
    private BoundedBuffer? _current;

    public BoundedBuffer Stdout { get; } = new(maxBytesPerStream, mode);

    public BoundedBuffer Stderr { get; } = new(maxBytesPerStream, mode);

    public void Write(ReadOnlySpan<byte> data)
    {
        if (!multiplexed)
        {
            Stdout.Write(data);
            return;
        }

        while (!data.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var take = (int)Math.Min(_payloadLeft, data.Length);
                _current!.Write(data[..take]);
                _payloadLeft -= take;
                data = data[take..];
                continue;
            }

            var headerTake = Math.Min(HeaderLength - _headerFilled, data.Length);
            data[..headerTake].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += headerTake;
            data = data[headerTake..];
            if (_headerFilled == HeaderLength)
            {
                _headerFilled = 0;
                _current = _header[0] == 2 ? Stderr : Stdout;
                _payloadLeft = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
            }
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end into <see cref="Stdout"/> and <see cref="Stderr"/>.</summary>
    public async Task ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            Write(buffer.AsSpan(0, read));
        }
    }
}
