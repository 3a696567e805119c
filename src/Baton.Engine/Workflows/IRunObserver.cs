using Baton.Runs;

namespace Baton.Engine.Workflows;

/// <summary>Hears every transition of a run once it is durable (for live progress); called from many threads.</summary>
public interface IRunObserver
{
    /// <summary>A transition was committed.</summary>
    void OnTransition(RunRecord run, RunTransition transition);
}
