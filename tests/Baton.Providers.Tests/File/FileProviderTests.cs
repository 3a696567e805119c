using Baton.Providers.File;
using Baton.Providers.Tests.Conformance;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Tests.File;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileProviderTests : IDisposable
{
    private readonly FileFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static CreateRequest Create(string type, Value inputs, string address = "file.file.a") =>
        new() { Type = type, Address = address, Inputs = inputs, IdempotencyKey = "op-" + Guid.NewGuid().ToString("N") };

    public static TheoryData<string> Escapes => new()
    {
        "../outside.txt",
        "out/../../outside/x.txt",
        "out/../secret.txt",
        "/etc/baton-test.txt",
        "out/link-to-outside/x.txt",
        "out/file-link.txt",
        "out/sub/../link-to-outside/y.txt",
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task Create_PathEscapingTheRoots_IsRefusedWithoutWriting(string path)
    {
        Directory.CreateSymbolicLink(Path.Combine(_fixture.Root, "link-to-outside"), _fixture.Outside);
        System.IO.File.WriteAllText(Path.Combine(_fixture.Outside, "target.txt"), "original");
        System.IO.File.CreateSymbolicLink(Path.Combine(_fixture.Root, "file-link.txt"), Path.Combine(_fixture.Outside, "target.txt"));
        Directory.CreateDirectory(Path.Combine(_fixture.Root, "sub"));
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("path", path), ("content", "pwned"));

        var validation = await provider.ValidateAsync(new ValidateRequest("file.file", "file.file.a", inputs), CancellationToken.None);
        var diagnostic = Assert.Single(validation.Diagnostics);
        Assert.Equal("BT5201", diagnostic.Code);
        Assert.Contains("outside the root", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("file.file.a", diagnostic.Subject);

        var result = await provider.CreateAsync(Create("file.file", inputs), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Equal("original", System.IO.File.ReadAllText(Path.Combine(_fixture.Outside, "target.txt")));
        Assert.Equal(["target.txt"], Directory.GetFileSystemEntries(_fixture.Outside).Select(Path.GetFileName));
        Assert.False(System.IO.File.Exists(Path.Combine(_fixture.Stack, "secret.txt")));
        Assert.False(System.IO.File.Exists("/etc/baton-test.txt"));
    }

    [Fact]
    public async Task Delete_IdOutsideTheRoots_IsRefused()
    {
        var victim = Path.Combine(_fixture.Outside, "keep.txt");
        System.IO.File.WriteAllText(victim, "keep");
        await using var provider = await _fixture.StartAsync();
        var result = await provider.DeleteAsync(
            new DeleteRequest { Type = "file.file", Address = "file.file.a", Id = victim, Attributes = Value.EmptyMap, IdempotencyKey = "op" },
            CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.True(System.IO.File.Exists(victim));
    }

    [Fact]
    public async Task Create_SymlinkInsideTheRoot_IsFollowed()
    {
        Directory.CreateDirectory(Path.Combine(_fixture.Root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_fixture.Root, "alias"), Path.Combine(_fixture.Root, "real"));
        await using var provider = await _fixture.StartAsync();
        var result = await provider.CreateAsync(Create("file.file", V.Map(("path", "out/alias/a.txt"), ("content", "x"))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(Path.Combine(_fixture.Root, "real", "a.txt"), result.Id);
    }

    [Fact]
    public async Task Create_File_IsAtomicWithItsModeAndLeavesNoTempFiles()
    {
        await using var provider = await _fixture.StartAsync();
        var result = await provider.CreateAsync(Create("file.file", V.Map(("path", "out/deep/er/secret.txt"), ("content", "s3cret"), ("mode", "0600"))), CancellationToken.None);
        Assert.Null(result.Error);
        var path = Path.Combine(_fixture.Root, "deep", "er", "secret.txt");
        Assert.Equal("s3cret", System.IO.File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(path));
        Assert.Equal(Value.String("0600"), result.Attributes!.AsMap()["mode"]);
        Assert.Equal(Value.Number(6), result.Attributes!.AsMap()["size"]);

        for (var i = 0; i < 5; i++)
        {
            await provider.UpdateAsync(
                new UpdateRequest { Type = "file.file", Address = "file.file.a", Id = result.Id!, PriorInputs = Value.EmptyMap, PriorAttributes = result.Attributes!, Inputs = V.Map(("path", "out/deep/er/secret.txt"), ("content", $"v{i}"), ("mode", "0640")), IdempotencyKey = $"u{i}" },
                CancellationToken.None);
        }

        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Equal("0640", FileModes.Format(System.IO.File.GetUnixFileMode(path)));
    }

    [Fact]
    public async Task Read_FileEditedBehindTheProvider_ShowsTheNewHash()
    {
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("path", "out/a.txt"), ("content", "one"));
        var created = await provider.CreateAsync(Create("file.file", inputs), CancellationToken.None);
        System.IO.File.WriteAllText(Path.Combine(_fixture.Root, "a.txt"), "two");
        var read = await provider.ReadAsync(new ReadRequest { Type = "file.file", Address = "file.file.a", Id = created.Id, Inputs = inputs }, CancellationToken.None);
        Assert.True(read.Exists);
        Assert.NotEqual(created.Attributes!.AsMap()["sha256"], read.Attributes!.AsMap()["sha256"]);
        Assert.Equal(Value.String("two"), read.Attributes!.AsMap()["content"]);

        System.IO.File.Delete(Path.Combine(_fixture.Root, "a.txt"));
        Assert.False((await provider.ReadAsync(new ReadRequest { Type = "file.file", Address = "file.file.a", Id = created.Id, Inputs = inputs }, CancellationToken.None)).Exists);
    }

    [Fact]
    public async Task Create_ExistingIdenticalFile_Succeeds()
    {
        _fixture.Write("out/same.txt", "same");
        await using var provider = await _fixture.StartAsync();
        var result = await provider.CreateAsync(Create("file.file", V.Map(("path", "out/same.txt"), ("content", "same"))), CancellationToken.None);
        Assert.Null(result.Error);
        Assert.Equal(Path.Combine(_fixture.Root, "same.txt"), result.Id);
    }

    [Fact]
    public async Task Template_RendersVarsAndKnowsContentAtPlan()
    {
        _fixture.Write("t/site.tpl", "server ${name} {\n%{~ for p in [port, port + 1] }\n  listen ${p};\n%{~ endfor }\n%%{ no }\n}\n");
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("path", "out/site.conf"), ("source", "t/site.tpl"), ("vars", V.Map(("name", "web"), ("port", 80))));
        var plan = await provider.PlanAsync(new PlanRequest { Type = "file.template", Address = "file.template.site", Inputs = inputs }, CancellationToken.None);
        var created = await provider.CreateAsync(Create("file.template", inputs, "file.template.site"), CancellationToken.None);
        Assert.Null(created.Error);
        var expected = "server web {\n  listen 80;\n  listen 81;\n%{ no }\n}\n";
        Assert.Equal(expected, System.IO.File.ReadAllText(Path.Combine(_fixture.Root, "site.conf")));
        Assert.Equal(Value.String(expected), plan.PlannedAttributes.AsMap()["content"]);
        Assert.Equal(created.Attributes!.AsMap()["sha256"], plan.PlannedAttributes.AsMap()["sha256"]);
    }

    [Fact]
    public async Task Template_MissingVar_IsAnErrorNamingFileLineAndColumn()
    {
        _fixture.Write("t/app.tpl", "first line\nvalue = ${missing}\n");
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("path", "out/app.conf"), ("source", "t/app.tpl"), ("vars", V.Map(("name", "web"))));
        var validation = await provider.ValidateAsync(new ValidateRequest("file.template", "file.template.app", inputs), CancellationToken.None);
        var diagnostic = Assert.Single(validation.Diagnostics);
        Assert.Equal("BT5203", diagnostic.Code);
        Assert.StartsWith("t/app.tpl:2:11", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("missing", diagnostic.Message, StringComparison.Ordinal);

        var result = await provider.CreateAsync(Create("file.template", inputs, "file.template.app"), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
        Assert.Contains("t/app.tpl:2:11", result.Error!.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(Path.Combine(_fixture.Root, "app.conf")));
    }

    [Fact]
    public async Task Template_UnknownVar_PlansUnknownContent()
    {
        _fixture.Write("t/app.tpl", "v=${v}");
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("path", "out/app.conf"), ("source", "t/app.tpl"), ("vars", V.Map(("v", Value.Unknown(Baton.Values.BatonType.String)))));
        var plan = await provider.PlanAsync(new PlanRequest { Type = "file.template", Address = "file.template.app", Inputs = inputs }, CancellationToken.None);
        Assert.Empty(plan.Diagnostics);
        Assert.False(plan.PlannedAttributes.AsMap()["content"].IsKnown);
    }

    [Theory]
    [InlineData("../outside/t.tpl")]
    [InlineData("/etc/passwd")]
    public async Task Template_SourceOutsideTheStack_IsRefused(string source)
    {
        System.IO.File.WriteAllText(Path.Combine(_fixture.Outside, "t.tpl"), "x");
        await using var provider = await _fixture.StartAsync();
        var inputs = V.Map(("path", "out/x"), ("source", source));
        var validation = await provider.ValidateAsync(new ValidateRequest("file.template", "file.template.x", inputs), CancellationToken.None);
        Assert.Contains(validation.Diagnostics, d => d.Code == "BT5201" && d.Message.StartsWith("source:", StringComparison.Ordinal));
        var result = await provider.CreateAsync(Create("file.template", inputs, "file.template.x"), CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, result.Error?.Kind);
    }

    [Fact]
    public async Task Delete_NonEmptyDirectory_IsRefusedUnlessForced()
    {
        await using var provider = await _fixture.StartAsync();
        var created = await provider.CreateAsync(Create("file.directory", V.Map(("path", "out/d")), "file.directory.d"), CancellationToken.None);
        _fixture.Write("out/d/child.txt", "x");
        var delete = new DeleteRequest { Type = "file.directory", Address = "file.directory.d", Id = created.Id!, Attributes = created.Attributes!, IdempotencyKey = "op" };
        var refused = await provider.DeleteAsync(delete, CancellationToken.None);
        Assert.Equal(ProviderErrorKind.Permanent, refused.Error?.Kind);
        Assert.Contains("force_destroy", refused.Error!.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(created.Id));

        var forced = await provider.DeleteAsync(delete with { Attributes = Value.Map(created.Attributes!.AsMap().SetItem("force_destroy", Value.True)) }, CancellationToken.None);
        Assert.Null(forced.Error);
        Assert.False(Directory.Exists(created.Id));
    }

    [Fact]
    public async Task Validate_BadMode_IsADiagnostic()
    {
        await using var provider = await _fixture.StartAsync();
        var validation = await provider.ValidateAsync(new ValidateRequest("file.file", "file.file.a", V.Map(("path", "out/a"), ("mode", "rw-r--r--"))), CancellationToken.None);
        Assert.Equal("BT5202", Assert.Single(validation.Diagnostics).Code);
    }

    [Fact]
    public async Task Factory_MissingRoots_IsRefusedNamingTheSetting()
    {
        var configuration = _fixture.Configuration() with { Settings = Value.EmptyMap };
        var problem = Assert.Single(await new FileProviderFactory().RefusedAsync(configuration));
        Assert.Equal("roots", problem.Setting);
        Assert.Equal("required: list the directories the provider may write in, such as [\"out\"]", problem.Message);

        var wrong = _fixture.Configuration() with { Settings = V.Map(("roots", "out")) };
        Assert.Equal("roots", Assert.Single(await new FileProviderFactory().RefusedAsync(wrong)).Setting);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../..")]
    [InlineData("../outside")]
    [InlineData("out/../..")]
    public async Task Factory_RootOutsideTheStack_NeedsAnExplicitOptIn(string root)
    {
        var configuration = _fixture.Configuration(root);
        var error = Assert.Single(await new FileProviderFactory().RefusedAsync(configuration));
        Assert.Equal("roots", error.Setting);
        Assert.Contains("outside the stack directory", error.Message, StringComparison.Ordinal);
        Assert.Contains(ConfinedRoots.OutsideStackSetting, error.Message, StringComparison.Ordinal);

        var optedIn = configuration with { Settings = V.Map(("roots", Value.List(Value.String(root))), (ConfinedRoots.OutsideStackSetting, Value.True)) };
        await using var provider = await new FileProviderFactory().StartAsync(optedIn);
        Assert.NotNull(provider);
    }

    [Fact]
    public async Task Factory_RootThroughASymlinkOutOfTheStack_IsOutside()
    {
        Directory.CreateSymbolicLink(Path.Combine(_fixture.Stack, "escape"), _fixture.Outside);
        var error = Assert.Single(await new FileProviderFactory().RefusedAsync(_fixture.Configuration("escape")));
        Assert.Contains("outside the stack directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_IsDeclaredOnTheAssembly()
    {
        var attribute = typeof(FileProviderFactory).Assembly.GetCustomAttributes(typeof(BatonProviderAttribute), false).Cast<BatonProviderAttribute>().Single();
        Assert.Equal(typeof(FileProviderFactory), attribute.FactoryType);
    }
}
