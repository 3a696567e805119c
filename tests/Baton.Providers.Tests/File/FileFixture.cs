using Baton.Expressions;
using Baton.Providers.File;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.File;

/// <summary>A stack directory with a root <c>out</c>, an outside directory beside it, and a provider on it.</summary>
internal sealed class FileFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public FileFixture()
    {
        Directory.CreateDirectory(Stack);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
    }

    public string Stack => _directory.Combine("stack");

    public string Root => _directory.Combine("stack", "out");

    public string Outside => _directory.Combine("outside");

    public ProviderConfiguration Configuration(params string[] roots) => new()
    {
        InstanceName = "file",
        Settings = V.Map(("roots", Value.List((roots.Length == 0 ? ["out"] : roots).Select(Value.String)))),
        StackDirectory = Stack,
        StateDirectory = Path.Combine(Stack, ".baton"),
        Templates = new StackTemplateRenderer(Stack),
    };

    public async Task<IProvider> StartAsync() => await new FileProviderFactory().StartAsync(Configuration());

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Stack, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
    }

    public void Dispose() => _directory.Dispose();
}
