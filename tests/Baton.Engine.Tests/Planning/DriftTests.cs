using Baton.Engine.Tests.Fixtures;
using Baton.Plans;

namespace Baton.Engine.Tests.Planning;

public sealed class DriftTests
{
    [Fact]
    public async Task Plan_FileContentChangedBehindBatonsBack_PlansAnUpdate()
    {
        using var stack = TestStack.Create("""
            stack: files
            providers:
              file:
                roots: [out]
            resources:
              note:
                type: file.file
                properties:
                  path: out/note.txt
                  content: hello
            """);
        Directory.CreateDirectory(Path.Combine(stack.Directory, "out"));
        await stack.ApplyAsync();
        await File.WriteAllTextAsync(Path.Combine(stack.Directory, "out", "note.txt"), "tampered");

        var planned = await stack.PlanAsync();

        Assert.Equal(ChangeAction.Update, planned.Change("note").Action);
        await stack.ApplyAsync();
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(stack.Directory, "out", "note.txt")));
    }
}
