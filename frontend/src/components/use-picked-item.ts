import { useState } from "react";

/**
 * A picker's choice as an item while the page keeps only its id (the address names the id): the
 * item picked here or one the caller has already, else looked up by its id. For SearchPicker's
 * `selected`, `onSelect` and `itemKey`.
 */
export function usePickedItem<T extends { id: string }>(
  value: string | null,
  onChange: (item: T | null) => void,
  useItem: (id: string | null) => { data?: T },
  known?: T | null,
) {
  const [picked, setPicked] = useState<T | null>(null);
  const have = [known, picked].find((item) => item && item.id === value) ?? null;
  const looked = useItem(value && !have ? value : null);
  return {
    selected: value ? (have ?? looked.data ?? null) : null,
    onSelect: (item: T | null) => {
      setPicked(item);
      onChange(item);
    },
    itemKey: (item: T) => item.id,
  };
}
