using Baton.Plans;

namespace Baton.Server.Stacks;

/// <summary>Plans made through the API, kept for an hour (at most 50 per stack) so they can be reviewed and applied by id.</summary>
internal sealed class PlanCache(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private const int PerStack = 50;

    private readonly Lock _gate = new();
    private readonly List<SavedPlan> _plans = [];

    public SavedPlan Add(string stack, Plan plan, string sourceHash, string by)
    {
        var saved = new SavedPlan(Guid.CreateVersion7().ToString("N"), stack, plan, sourceHash, by, time.GetUtcNow());
        lock (_gate)
        {
            Expire();
            _plans.Add(saved);
            var ofStack = _plans.Where(p => p.Stack == stack).ToList();
            foreach (var old in ofStack.Take(Math.Max(0, ofStack.Count - PerStack)))
            {
                _plans.Remove(old);
            }
        }

        return saved;
    }

    public SavedPlan? Find(string stack, string id)
    {
        lock (_gate)
        {
            Expire();
            return _plans.FirstOrDefault(p => p.Stack == stack && p.Id == id);
        }
    }

    public IReadOnlyList<SavedPlan> List(string stack)
    {
        lock (_gate)
        {
            Expire();
            return [.. _plans.Where(p => p.Stack == stack).Reverse()];
        }
    }

    public void MarkApplied(SavedPlan plan, string applyId)
    {
        lock (_gate)
        {
            var index = _plans.IndexOf(plan);
            if (index >= 0)
            {
                _plans[index] = plan with { ApplyId = applyId };
            }
        }
    }

    private void Expire() => _plans.RemoveAll(p => time.GetUtcNow() - p.CreatedAt > Lifetime);
}

/// <summary>A plan made through the API.</summary>
internal sealed record SavedPlan(string Id, string Stack, Plan Plan, string SourceHash, string By, DateTimeOffset CreatedAt)
{
    /// <summary>The apply that carried it out, once one did.</summary>
    public string? ApplyId { get; init; }
}
