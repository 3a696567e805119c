using Baton.Engine.Applying;
using Baton.Engine.Tests.Fixtures;
using Baton.Plans;

namespace Baton.Engine.Tests.Applying;

public sealed class ReplacementOrderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Apply_ReplacedDirectoryWithReplacedFilesInside_DeletesTheOldFilesBeforeTheOldDirectory(bool createBeforeDestroy)
    {
        var yaml = $$"""
            stack: files
            variables:
              env: { type: string, default: dev }
            providers:
              file:
                roots: [out]
            resources:
              dir:
                type: file.directory
                properties:
                  path: out/${var.env}
                lifecycle:
                  create_before_destroy: {{(createBeforeDestroy ? "true" : "false")}}
              note:
                type: file.file
                properties:
                  path: ${dir.path}/note.txt
                  content: hello
            """;
        using var stack = TestStack.Create(yaml);
        Assert.True((await stack.ApplyAsync()).Result.Succeeded);
        stack.Variables["env"] = "staging";

        var applied = await stack.ApplyAsync();

        Assert.Equal(ChangeAction.Replace, applied.Plan.Changes.Single(c => c.Address == "dir").Action);
        Assert.Equal(ChangeAction.Replace, applied.Plan.Changes.Single(c => c.Address == "note").Action);
        Assert.True(applied.Result.Succeeded, string.Join("; ", applied.Result.Operations.Where(o => o.Outcome != OperationOutcome.Succeeded).Select(o => $"{o.Change.Key}: {o.Outcome} {o.Error}")));
        Assert.False(Directory.Exists(Path.Combine(stack.Directory, "out", "dev")));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(stack.Directory, "out", "staging", "note.txt")));
    }
}
