using Baton.Graph;

namespace Baton.Libraries.Tests.Graph;

public sealed class CriticalPathTests
{
    [Fact]
    public void CriticalPath_Diamond_TakesHeavierBranchInExecutionOrder()
    {
        // 0 depends on 1 and 2, which depend on 3; the branch through 2 is heavier.
        var graph = TestGraphs.Build(4, (0, 1), (0, 2), (1, 3), (2, 3));
        double[] weights = [1, 2, 5, 3];

        var path = graph.CriticalPath(weights);

        Assert.Equal(9, path.Length);
        Assert.Equal([3, 2, 0], path.Nodes.ToArray());
        Assert.Equal(11, path.TotalWeight);
    }

    [Fact]
    public void CriticalPath_Ties_GoToSmallestIds()
    {
        var graph = TestGraphs.Build(4, (0, 1), (0, 2), (3, 1));

        var path = graph.CriticalPath(_ => 1.0);

        Assert.Equal(2, path.Length);
        Assert.Equal([1, 0], path.Nodes.ToArray());
    }

    [Fact]
    public void CriticalPath_EmptyGraph_IsZero()
    {
        var path = TestGraphs.Build(0).CriticalPath(_ => 1.0);

        Assert.Equal(0, path.Length);
        Assert.Empty(path.Nodes);
    }

    [Fact]
    public void CriticalPath_NegativeWeight_Throws()
    {
        var graph = TestGraphs.Build(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => graph.CriticalPath(_ => -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => graph.CriticalPath(_ => double.NaN));
    }

    [Fact]
    public void CriticalPath_WrongWeightCount_Throws()
    {
        var graph = TestGraphs.Build(2);

        Assert.Throws<ArgumentException>(() => graph.CriticalPath(new double[1]));
    }

    [Fact]
    public void CriticalPath_Cycle_Throws()
    {
        var graph = TestGraphs.Build(2, (0, 1), (1, 0));

        Assert.Throws<InvalidOperationException>(() => graph.CriticalPath(_ => 1.0));
    }

    [Theory]
    [InlineData(10, 100, 4, 25)]
    [InlineData(30, 100, 4, 30)]
    [InlineData(10, 100, 1, 100)]
    public void LowerBound_Values_IsMaxOfCriticalPathAndWorkPerWorker(double criticalPath, double total, int parallelism, double expected)
    {
        Assert.Equal(expected, CriticalPathResult.LowerBound(criticalPath, total, parallelism));
    }

    [Fact]
    public void LowerBound_NoWorkers_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CriticalPathResult.LowerBound(1, 1, 0));
    }

    [Fact]
    public void LowerBound_OnResult_UsesItsLengthAndTotal()
    {
        var graph = TestGraphs.Build(3, (0, 1));

        var path = graph.CriticalPath(_ => 2.0);

        Assert.Equal(4, path.LowerBound(8));
        Assert.Equal(6, path.LowerBound(1));
    }
}
