using Baton.Providers.File;
using Baton.Providers.Tests.Conformance;
using Baton.Values;

namespace Baton.Providers.Tests.File;

public abstract class FileConformanceBase : ProviderConformance, IConformanceObserver, IDisposable
{
    internal FileFixture Fixture { get; } = new();

    protected override IProviderFactory Factory { get; } = new FileProviderFactory();

    protected override ProviderConfiguration Configuration => Fixture.Configuration();

    protected override string MissingId => Path.Combine(Fixture.Root, "never-created");

    protected override Value? ReplacingInputs => ValidInputs.AsMap().SetItem("path", Value.String("out/elsewhere")) is var map ? Value.Map(map) : null;

    public int CountRealObjects(string address, string id) =>
        System.IO.File.Exists(id) || Directory.Exists(id) ? 1 : 0;

    public void Dispose()
    {
        Fixture.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class FileFileConformanceTests : FileConformanceBase
{
    protected override string ResourceType => "file.file";

    protected override Value ValidInputs => V.Map(("path", "out/app/config.txt"), ("content", "hello\n"));

    protected override Value ChangedInputs => V.Map(("path", "out/app/config.txt"), ("content", "hello again\n"), ("mode", "0600"));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["sha256", "size"], StringComparer.Ordinal);
}

public sealed class FileDirectoryConformanceTests : FileConformanceBase
{
    protected override string ResourceType => "file.directory";

    protected override Value ValidInputs => V.Map(("path", "out/data"));

    protected override Value ChangedInputs => V.Map(("path", "out/data"), ("mode", "0700"));
}

public sealed class FileTemplateConformanceTests : FileConformanceBase
{
    public FileTemplateConformanceTests() => Fixture.Write("templates/app.conf.tpl", "name = ${name}\nport = ${port + 1}\n");

    protected override string ResourceType => "file.template";

    protected override Value ValidInputs => V.Map(("path", "out/app.conf"), ("source", "templates/app.conf.tpl"), ("vars", V.Map(("name", "web"), ("port", 8079))));

    protected override Value ChangedInputs => V.Map(("path", "out/app.conf"), ("source", "templates/app.conf.tpl"), ("vars", V.Map(("name", "api"), ("port", 9000))));

    protected override IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(["content", "sha256"], StringComparer.Ordinal);
}
