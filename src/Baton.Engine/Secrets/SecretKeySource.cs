using System.Security.Cryptography;
using System.Text;
using Baton.Runtime;

namespace Baton.Engine.Secrets;

/// <summary>
/// The 32-byte key that encrypts sensitive values in state: from <c>BATON_SECRET_KEY</c> (base64) when set, else from
/// a key file (by default <c>.baton/secret.key</c> beside the stack) created on first use, readable only by its owner,
/// and never created for a state that already holds values sealed with a key (<see cref="GetKey(Func{string})"/>).
/// Losing the key makes every sensitive value in state unreadable: back the key up with the state, and never commit
/// it next to the state it protects.
/// </summary>
public sealed class SecretKeySource
{
    /// <summary>The environment variable holding the key as base64.</summary>
    public const string EnvironmentVariable = "BATON_SECRET_KEY";

    /// <summary>The key file, relative to the stack directory.</summary>
    public const string DefaultRelativePath = ".baton/secret.key";

    /// <summary>The key length in bytes.</summary>
    public const int KeySize = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Func<string, string?> _environment;
    private readonly RandomNumberGenerator _random;

    /// <summary>Creates a source reading <paramref name="keyFile"/>; the environment and randomness may be replaced for tests.</summary>
    public SecretKeySource(string keyFile, Func<string, string?>? environment = null, RandomNumberGenerator? random = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyFile);
        KeyFile = Path.GetFullPath(keyFile);
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _random = random ?? RandomNumberGenerator.Create();
    }

    /// <summary>The key file this source reads or creates.</summary>
    public string KeyFile { get; }

    /// <summary>Where <see cref="GetKey()"/> takes the key from: <see cref="EnvironmentVariable"/> when it is set, else the key file's path.</summary>
    public string Origin => string.IsNullOrWhiteSpace(_environment(EnvironmentVariable)) ? KeyFile : EnvironmentVariable;

    /// <summary>A source for the stack in <paramref name="stackDirectory"/>, with the default key file.</summary>
    public static SecretKeySource ForStack(string stackDirectory) =>
        new(Path.Combine(stackDirectory, DefaultRelativePath));

    /// <summary>The key: from the environment, else the key file, creating it when missing.</summary>
    public byte[] GetKey() => GetKey(static () => null);

    /// <summary>
    /// The key: from the environment, else the key file. A missing key file is created only when
    /// <paramref name="sealedState"/> returns null; when it names a state (its path) holding values sealed with a key,
    /// that key can only be the missing one, and a new key would leave them unreadable for ever, so this throws
    /// <see cref="SecretKeyException"/> saying which file to restore and creates nothing.
    /// </summary>
    public byte[] GetKey(Func<string?> sealedState)
    {
        ArgumentNullException.ThrowIfNull(sealedState);
        var fromEnvironment = _environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Decode(fromEnvironment, $"{EnvironmentVariable}");
        }

        if (File.Exists(KeyFile))
        {
            return ReadKeyFile();
        }

        if (sealedState() is { } state)
        {
            throw new SecretKeyException(
                $"The secret key file {KeyFile} is missing, but the state {state} holds values sealed with it. "
                + $"Restore {KeyFile} from your backup (or set {EnvironmentVariable} to that key). "
                + "No new key was made: it could never read those values.");
        }

        return CreateKeyFile();
    }

    private byte[] ReadKeyFile()
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(KeyFile);
            if ((mode & GroupOrOther) != 0)
            {
                throw new SecretKeyException(
                    $"The secret key file {KeyFile} can be read by others (mode {Octal(mode)}); it must be readable only by its owner. Run: chmod 600 {KeyFile}");
            }
        }

        string text;
        try
        {
            text = File.ReadAllText(KeyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretKeyException($"Cannot read the secret key file {KeyFile}: {ex.Message}", ex);
        }

        return Decode(text, $"The secret key file {KeyFile}");
    }

    private byte[] CreateKeyFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        var key = new byte[KeySize];
        _random.GetBytes(key);
        try
        {
            // Owner-only from its creation, so the key is never readable by others, not even briefly. Not overwriting:
            // if another process created the key meanwhile, its key wins and ours is discarded.
            return AtomicFile.TryCreate(KeyFile, Encoding.UTF8.GetBytes(Convert.ToBase64String(key) + "\n"), OwnerOnly)
                ? key
                : ReadKeyFile();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretKeyException($"Cannot create the secret key file {KeyFile}: {ex.Message}", ex);
        }
    }

    private static byte[] Decode(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new SecretKeyException($"{source} is not valid base64; it must hold a {KeySize}-byte key, such as the output of: openssl rand -base64 {KeySize}", ex);
        }

        if (key.Length != KeySize)
        {
            throw new SecretKeyException($"{source} holds a {key.Length}-byte key; it must be {KeySize} bytes (openssl rand -base64 {KeySize}).");
        }

        return key;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
