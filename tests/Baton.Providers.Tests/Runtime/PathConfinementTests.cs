using Baton.Providers.Tests.Conformance;
using Baton.Runtime;
using CsCheck;

namespace Baton.Providers.Tests.Runtime;

public sealed class PathConfinementTests
{
    private static readonly string[] Parts = ["a", "b", "..", ".", "in", "out-link", "loop"];

    [Fact]
    public void TryResolve_AnyPath_LandsInsideTheRootOrIsRefused_AndPointsWhereTheOsDoes()
    {
        using var directory = new TempDirectory();
        var root = directory.Combine("root");
        var outside = directory.Combine("outside");
        Directory.CreateDirectory(Path.Combine(root, "a", "b"));
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "a", "in"), Path.Combine(root, "a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(root, "out-link"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "a", "b", "out-link"), "../../../outside");
        Directory.CreateSymbolicLink(Path.Combine(root, "loop"), Path.Combine(root, "loop"));
        var confinement = new PathConfinement(root, [root]);

        Gen.Int[0, Parts.Length - 1].Array[1, 7].Sample(indexes =>
        {
            var relative = string.Join('/', indexes.Select(i => Parts[i]));
            if (!confinement.TryResolve(relative, out var resolved, out _))
            {
                return true;
            }

            if (!PathConfinement.IsInside(resolved, root))
            {
                return false;
            }

            var combined = Path.Combine(root, relative);
            if (!Directory.Exists(combined) || !Directory.Exists(resolved))
            {
                return true;
            }

            // Same place: a file made through one path is seen through the other.
            var marker = Path.Combine(resolved, "marker-" + Guid.NewGuid().ToString("N"));
            System.IO.File.WriteAllText(marker, "x");
            var seen = System.IO.File.Exists(Path.Combine(combined, Path.GetFileName(marker)));
            System.IO.File.Delete(marker);
            return seen;
        });

        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }
}
