using Baton.Server.Events;
using Baton.State;

namespace Baton.Server.Tests;

/// <summary>The live stream's fan-out: replay after an id, bounded memory, slow subscribers dropped, gaps reported.</summary>
public sealed class EventHubTests
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static StackEvent Event(int n, string stack = "web") => new() { Stack = stack, Source = "control", Kind = "test.event", Message = $"event {n}", At = At };

    private static void PublishMany(EventHub hub, int count, string stack = "web")
    {
        for (var i = 0; i < count; i++)
        {
            hub.Publish(Event(i, stack));
        }
    }

    [Fact]
    public void Publish_AssignsIncreasingIdsFromOne()
    {
        var hub = new EventHub();

        var ids = Enumerable.Range(0, 5).Select(i => hub.Publish(Event(i)).Id).ToList();

        Assert.Equal([1L, 2, 3, 4, 5], ids);
        Assert.Equal(6, hub.NextId);
    }

    [Fact]
    public async Task Subscribe_AfterALastEventId_ReplaysExactlyTheMissedEventsThenTheLiveOnes()
    {
        var hub = new EventHub(capacity: 100, subscriberQueue: 16);
        PublishMany(hub, 10);

        using var subscription = hub.Subscribe(afterId: 6);

        Assert.False(subscription.Gap);
        Assert.Equal([7L, 8, 9, 10], subscription.Backlog.Select(e => e.Id));
        Assert.Equal(["event 6", "event 7", "event 8", "event 9"], subscription.Backlog.Select(e => e.Message));
        Assert.False(subscription.Reader.TryRead(out _));
        hub.Publish(Event(10));
        hub.Publish(Event(11));
        Assert.Equal(11, (await subscription.Reader.ReadAsync()).Id);
        Assert.Equal(12, (await subscription.Reader.ReadAsync()).Id);
        Assert.False(subscription.Reader.TryRead(out _));
    }

    [Fact]
    public void Subscribe_AfterTheLatestId_HasNoBacklog()
    {
        var hub = new EventHub(capacity: 100, subscriberQueue: 16);
        PublishMany(hub, 10);

        using var subscription = hub.Subscribe(afterId: hub.NextId - 1);

        Assert.Empty(subscription.Backlog);
        Assert.False(subscription.Gap);
    }

    [Fact]
    public async Task Publish_ToASubscriberThatNeverReads_DropsItOnceItsQueueIsFullAndKeepsAtMostCapacityEvents()
    {
        var hub = new EventHub(capacity: 50, subscriberQueue: 8);
        using var stalled = hub.Subscribe(afterId: 0);
        using var reading = hub.Subscribe(afterId: 0);
        var readCount = 0;
        Assert.Equal(2, hub.SubscriberCount);

        for (var i = 0; i < 10_000; i++)
        {
            hub.Publish(Event(i));
            while (reading.Reader.TryRead(out _))
            {
                readCount++;
            }
        }

        Assert.Equal(1, hub.Dropped);
        Assert.Equal(1, hub.SubscriberCount);
        Assert.Equal(10_000, readCount);
        Assert.Equal(50, hub.Recent(null, 1000).Count);
        Assert.Equal(Enumerable.Range(9_951, 50).Select(i => (long)i), hub.Recent(null, 1000).Select(e => e.Id));
        Assert.True(stalled.Reader.Count <= hub.SubscriberQueue);
        var held = new List<long>();
        while (await stalled.Reader.WaitToReadAsync())
        {
            while (stalled.Reader.TryRead(out var item))
            {
                held.Add(item.Id);
            }
        }

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), held);
        Assert.True(stalled.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void Subscribe_AfterAnIdWhoseSuccessorsWereEvicted_SetsGapAndReplaysWhatIsHeld()
    {
        var hub = new EventHub(capacity: 5, subscriberQueue: 8);
        PublishMany(hub, 20);

        using var late = hub.Subscribe(afterId: 3);
        using var justInTime = hub.Subscribe(afterId: 15);

        Assert.True(late.Gap);
        Assert.Equal([16L, 17, 18, 19, 20], late.Backlog.Select(e => e.Id));
        Assert.False(justInTime.Gap);
        Assert.Equal([16L, 17, 18, 19, 20], justInTime.Backlog.Select(e => e.Id));
    }

    [Fact]
    public void Dispose_RemovesTheSubscriber()
    {
        var hub = new EventHub(capacity: 5, subscriberQueue: 1);
        var subscription = hub.Subscribe(afterId: 0);
        Assert.Equal(1, hub.SubscriberCount);

        subscription.Dispose();
        PublishMany(hub, 10);

        Assert.Equal(0, hub.SubscriberCount);
        Assert.Equal(0, hub.Dropped);
    }

    [Fact]
    public void Recent_OfOneStack_LeavesOthersOutAndHonoursTheLimit()
    {
        var hub = new EventHub(capacity: 100, subscriberQueue: 8);
        PublishMany(hub, 5, "web");
        PublishMany(hub, 5, "db");

        Assert.Equal(5, hub.Recent("db", 100).Count);
        Assert.All(hub.Recent("db", 100), e => Assert.Equal("db", e.Stack));
        Assert.Equal([9L, 10], hub.Recent(null, 2).Select(e => e.Id));
    }
}
