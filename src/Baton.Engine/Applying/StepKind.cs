namespace Baton.Engine.Applying;

/// <summary>The part of a planned change one step of an apply carries out.</summary>
internal enum StepKind
{
    /// <summary>The whole change: a create, an update or a delete.</summary>
    Whole,

    /// <summary>The delete of the old object of a replacement.</summary>
    DeleteOld,

    /// <summary>The create of the new object of a replacement.</summary>
    CreateNew,
}
