using Baton.Engine.Secrets;

namespace Baton.State.Tests.Secrets;

public sealed class SecretKeySourceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "baton-key-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string KeyFile => Path.Combine(_directory, ".baton", "secret.key");

    private SecretKeySource Source(string? environment = null) => new(KeyFile, name => name == SecretKeySource.EnvironmentVariable ? environment : null);

    [Fact]
    public void Environment_ValidBase64_IsTheKey()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray();
        Assert.Equal(key, Source(Convert.ToBase64String(key)).GetKey());
        Assert.False(File.Exists(KeyFile));
    }

    [Theory]
    [InlineData("not base64!!")]
    [InlineData("AAAA")]
    public void Environment_Malformed_FailsClearly(string value)
    {
        var error = Assert.Throws<SecretKeyException>(() => Source(value).GetKey());
        Assert.Contains(SecretKeySource.EnvironmentVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoKey_CreatesOwnerOnlyFileOnceAndReusesIt()
    {
        var first = Source().GetKey();
        Assert.Equal(32, first.Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }

        Assert.Equal(first, Source().GetKey());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(KeyFile)!));
    }

    [Fact]
    public void NoKeyFile_StateHoldsSealedValues_RefusesAndMakesNoFile()
    {
        var error = Assert.Throws<SecretKeyException>(() => Source().GetKey(() => "/stacks/shop/.baton/state.db"));

        Assert.Contains($"The secret key file {KeyFile} is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("the state /stacks/shop/.baton/state.db holds values sealed with it", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Restore {KeyFile} from your backup", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyFile));
        Assert.False(Directory.Exists(Path.GetDirectoryName(KeyFile)));
    }

    [Fact]
    public void NoKeyFile_NothingSealed_MakesTheKey()
    {
        var key = Source().GetKey(() => null);

        Assert.Equal(32, key.Length);
        Assert.Equal(key, Source().GetKey(() => throw new InvalidOperationException("the state need not be asked once the key file is there")));
    }

    [Fact]
    public void KeyFromEnvironment_StateHoldsSealedValues_IsTheKey()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        Assert.Equal(key, Source(Convert.ToBase64String(key)).GetKey(() => "state.db"));
        Assert.Equal(SecretKeySource.EnvironmentVariable, Source(Convert.ToBase64String(key)).Origin);
        Assert.Equal(KeyFile, Source().Origin);
    }

    [Fact]
    public void KeyFile_ReadableByOthers_FailsClearly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Source().GetKey();
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var error = Assert.Throws<SecretKeyException>(() => Source().GetKey());
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_Malformed_FailsClearlyAndIsNotOverwritten()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, "garbage");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = Assert.Throws<SecretKeyException>(() => Source().GetKey());
        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
        Assert.Equal("garbage", File.ReadAllText(KeyFile));
    }

    [Fact]
    public void Environment_WinsOverKeyFile()
    {
        var fileKey = Source().GetKey();
        var envKey = new byte[32];
        Assert.Equal(envKey, Source(Convert.ToBase64String(envKey)).GetKey());
        Assert.NotEqual(fileKey, envKey);
    }
}
