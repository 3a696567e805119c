using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using Baton.Diagnostics;

namespace Baton.Text;

/// <summary>
/// Reads a text file the user named (a stack file, a variables file, a file for <c>file()</c>): only a regular file,
/// checked before it is opened so a named pipe cannot hang the read and a device cannot fill memory; at most a given
/// size, even if the file grows while it is read; and strict UTF-8, so a bad byte is an error at its line and column
/// rather than a silently replaced character.
/// </summary>
public static partial class TextFile
{
    /// <summary>The most a stack file may hold: 4 MiB.</summary>
    public const long MaxStackFileBytes = 4 * 1024 * 1024;

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxSizeOfBuffer = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const string Missing = "missing";

    /// <summary>
    /// Reads <paramref name="path"/> as UTF-8 text. On failure <paramref name="error"/> says why, naming the file as
    /// <paramref name="displayName"/>, and <paramref name="at"/> is the position of a bad byte when there is one.
    /// </summary>
    public static bool TryRead(string path, string displayName, long maxBytes, out string text, out string error, out SourcePosition? at)
    {
        ArgumentNullException.ThrowIfNull(path);
        text = string.Empty;
        at = null;
        if (Kind(path, out var size) is { } kind)
        {
            error = kind == Missing ? $"{displayName} does not exist" : $"{displayName} is {kind}, not a regular file";
            return false;
        }

        if (size > maxBytes)
        {
            error = $"{displayName} is larger than {Size(maxBytes)}";
            return false;
        }

        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            bytes = ReadAtMost(stream, maxBytes + 1, out var read);
            if (read > maxBytes)
            {
                error = $"{displayName} is larger than {Size(maxBytes)}";
                return false;
            }

            bytes = bytes[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read {displayName}: {ex.Message}";
            return false;
        }

        return TryDecode(bytes, displayName, out text, out error, out at);
    }

    /// <summary>Decodes strict UTF-8 (a leading byte-order mark is dropped); a bad byte is an error at its position.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, string displayName, out string text, out string error, out SourcePosition? at)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var bytesRead, out var written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
            {
                text = new string(chars, 0, written);
                error = string.Empty;
                at = null;
                return true;
            }

            var lineStart = written == 0 ? 0 : Array.LastIndexOf(chars, '\n', written - 1) + 1;
            var line = 1 + chars.AsSpan(0, written).Count('\n');
            at = new SourcePosition(line, written - lineStart + 1);
            text = string.Empty;
            error = $"{displayName} is not valid UTF-8: byte 0x{bytes[bytesRead]:X2} at line {at.Value.Line}, column {at.Value.Column}";
            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>What the path is when it is not a regular file ("a named pipe", "missing", …); null for a regular file.</summary>
    private static string? Kind(string path, out long size)
    {
        size = 0;
        var buffer = new byte[StatxSizeOfBuffer];
        if (NativeStatx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                2 => Missing,
                13 => "not readable",
                20 => "under something that is not a directory",
                40 => "a loop of symbolic links",
                _ => "not readable",
            };
        }

        var mode = BitConverter.ToUInt16(buffer, ModeOffset);
        size = BitConverter.ToInt64(buffer, SizeOffset);
        return (mode & FileTypeMask) switch
        {
            RegularFile => null,
            0x4000 => "a directory",
            0x1000 => "a named pipe",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    private static byte[] ReadAtMost(Stream stream, long limit, out int read)
    {
        var buffer = new byte[(int)Math.Min(limit, 64 * 1024)];
        read = 0;
        while (read < limit)
        {
            if (read == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(limit, (long)buffer.Length * 2));
            }

            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer;
    }

    private static string Size(long bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB"
        : $"{bytes:N0} bytes";

    // statx(2) rather than stat(2): its buffer has one layout on every architecture.
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeStatx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
