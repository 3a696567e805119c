using System.Buffers.Binary;
using System.Text;
using Baton.Providers.Container.Engine;
using CsCheck;

namespace Baton.Providers.Tests.Container;

public sealed class RawStreamTests
{
    /// <summary>Frames of stdout (1) or stderr (2) with payloads of 0 to 300 bytes.</summary>
    private static readonly Gen<(byte Stream, byte[] Payload)[]> Frames =
        Gen.Select(Gen.Byte[1, 2], Gen.Byte.Array[0, 300]).Array[0, 20];

    private static byte[] Encode(IEnumerable<(byte Stream, byte[] Payload)> frames)
    {
        var output = new MemoryStream();
        foreach (var (stream, payload) in frames)
        {
            var header = new byte[8];
            header[0] = stream;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            output.Write(header);
            output.Write(payload);
        }

        return output.ToArray();
    }

    private static byte[] Concat(IEnumerable<(byte Stream, byte[] Payload)> frames, byte stream) =>
        [.. frames.Where(frame => frame.Stream == stream).SelectMany(frame => frame.Payload)];

    [Fact]
    public void Write_FramesCutAnywhere_SplitsStdoutFromStderr()
    {
        Gen.Select(Frames, Gen.Int[1, 50].Array[1, 40]).Sample((frames, cuts) =>
        {
            var bytes = Encode(frames);
            var demultiplexer = new RawStreamDemultiplexer(1 << 20, BoundedBufferMode.Head);
            var position = 0;
            for (var i = 0; position < bytes.Length; i++)
            {
                var length = Math.Min(cuts[i % cuts.Length], bytes.Length - position);
                demultiplexer.Write(bytes.AsSpan(position, length));
                position += length;
            }

            Assert.Equal(Concat(frames, 1), demultiplexer.Stdout.ToArray());
            Assert.Equal(Concat(frames, 2), demultiplexer.Stderr.ToArray());
            Assert.False(demultiplexer.Stdout.Truncated || demultiplexer.Stderr.Truncated);
        }, iter: 500);
    }

    [Fact]
    public void Write_MoreThanTheLimit_KeepsTheHeadOrTheTailAndSaysSo()
    {
        Gen.Select(Frames, Gen.Int[0, 400], Gen.Bool).Sample((frames, limit, tail) =>
        {
            var mode = tail ? BoundedBufferMode.Tail : BoundedBufferMode.Head;
            var demultiplexer = new RawStreamDemultiplexer(limit, mode);
            demultiplexer.Write(Encode(frames));

            foreach (var (stream, buffer) in new[] { ((byte)1, demultiplexer.Stdout), ((byte)2, demultiplexer.Stderr) })
            {
                var all = Concat(frames, stream);
                var expected = all.Length <= limit ? all : tail ? all[^limit..] : all[..limit];
                Assert.Equal(expected, buffer.ToArray());
                Assert.Equal(all.Length > limit, buffer.Truncated);
                Assert.Equal(all.Length, buffer.TotalBytes);
            }
        }, iter: 500);
    }

    [Fact]
    public void Write_BoundedBufferFedInPieces_EqualsTheWholeCut()
    {
        Gen.Select(Gen.Byte.Array[0, 50].Array[0, 30], Gen.Int[0, 120], Gen.Bool).Sample((pieces, limit, tail) =>
        {
            var buffer = new BoundedBuffer(limit, tail ? BoundedBufferMode.Tail : BoundedBufferMode.Head);
            foreach (var piece in pieces)
            {
                buffer.Write(piece);
            }

            byte[] all = [.. pieces.SelectMany(piece => piece)];
            Assert.Equal(all.Length <= limit ? all : tail ? all[^limit..] : all[..limit], buffer.ToArray());
        }, iter: 500);
    }

    [Fact]
    public void Write_NotMultiplexed_IsAllStdout()
    {
        var demultiplexer = new RawStreamDemultiplexer(1024, BoundedBufferMode.Tail, multiplexed: false);

        demultiplexer.Write("\u0002\0\0\0plain tty output\n"u8);

        Assert.Equal("\u0002\0\0\0plain tty output\n", demultiplexer.Stdout.ToString());
        Assert.Equal("", demultiplexer.Stderr.ToString());
    }

    [Fact]
    public void Write_StreamEndsInsideAFrame_KeepsWhatArrived()
    {
        var bytes = Encode([(1, Encoding.UTF8.GetBytes("complete\n")), (2, Encoding.UTF8.GetBytes("cut short\n"))]);
        var demultiplexer = new RawStreamDemultiplexer(1024, BoundedBufferMode.Head);

        demultiplexer.Write(bytes.AsSpan(0, bytes.Length - 6));

        Assert.Equal("complete\n", demultiplexer.Stdout.ToString());
        Assert.Equal("cut ", demultiplexer.Stderr.ToString());
    }

    [Fact]
    public async Task ReadToEndAsync_Stream_DemultiplexesAll()
    {
        var bytes = Encode([(1, "out\n"u8.ToArray()), (2, "err\n"u8.ToArray()), (1, "more\n"u8.ToArray())]);
        var demultiplexer = new RawStreamDemultiplexer(1024, BoundedBufferMode.Head);

        await demultiplexer.ReadToEndAsync(new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal("out\nmore\n", demultiplexer.Stdout.ToString());
        Assert.Equal("err\n", demultiplexer.Stderr.ToString());
    }
}
