using System.Text;

namespace Baton.Providers.Container.Engine;

/// <summary>
/// Collects at most <c>limit</c> bytes of an output: the first ones (<see cref="BoundedBufferMode.Head"/>, for a
/// command's output) or the last ones (<see cref="BoundedBufferMode.Tail"/>, for logs). What does not fit is read
/// and dropped, and <see cref="Truncated"/> says so.
/// </summary>
internal sealed class BoundedBuffer
{
    private readonly int _limit;
    private readonly BoundedBufferMode _mode;
    private readonly byte[] _kept;
    private long _total;

    public BoundedBuffer(int limit, BoundedBufferMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
        _mode = mode;
        _kept = new byte[limit];
    }

    /// <summary>True when more bytes were written than were kept.</summary>
    public bool Truncated => _total > _limit;

    /// <summary>How many bytes were written in all.</summary>
    public long TotalBytes => _total;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (_mode == BoundedBufferMode.Head)
        {
            var filled = (int)Math.Min(_total, _limit);
            data[..Math.Min(_limit - filled, data.Length)].CopyTo(_kept.AsSpan(filled));
        }
        else if (_limit > 0)
        {
            // The ring's write position is _total modulo the limit; only the last _limit bytes of data can survive.
            var keep = data.Length > _limit ? data[^_limit..] : data;
            var position = (int)((_total + data.Length - keep.Length) % _limit);
            var first = Math.Min(keep.Length, _limit - position);
            keep[..first].CopyTo(_kept.AsSpan(position));
            keep[first..].CopyTo(_kept);
        }

        _total += data.Length;
    }

    /// <summary>The kept bytes, oldest first.</summary>
    public byte[] ToArray()
    {
        var length = (int)Math.Min(_total, _limit);
        if (_mode == BoundedBufferMode.Head)
        {
            return _kept[..length];
        }

        var result = new byte[length];
        var start = (int)((_total - length) % Math.Max(_limit, 1));
        var first = Math.Min(length, _limit - start);
        _kept.AsSpan(start, first).CopyTo(result);
        _kept.AsSpan(0, length - first).CopyTo(result.AsSpan(first));
        return result;
    }

    /// <summary>The kept bytes as UTF-8 text (a character cut at the edge becomes U+FFFD).</summary>
    public override string ToString() => Encoding.UTF8.GetString(ToArray());
}
