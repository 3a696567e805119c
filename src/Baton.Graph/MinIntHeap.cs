namespace Baton.Graph;

/// <summary>A binary min-heap of ints on one array; the BCL priority queue carries a priority per item we do not need.</summary>
internal sealed class MinIntHeap
{
    private int[] _items;

    public MinIntHeap(int capacity)
    {
        _items = new int[Math.Max(capacity, 4)];
    }

    public int Count { get; private set; }

    public void Push(int value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_items[parent] <= value)
            {
                break;
            }

            _items[i] = _items[parent];
            i = parent;
        }

        _items[i] = value;
    }

    public int Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && _items[child + 1] < _items[child])
            {
                child++;
            }

            if (_items[child] >= last)
            {
                break;
            }

            _items[i] = _items[child];
            i = child;
        }

        if (Count > 0)
        {
            _items[i] = last;
        }

        return top;
    }
}
