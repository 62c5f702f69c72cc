import { useCombobox } from "downshift";
import { useState } from "react";
import { useDebounce } from "use-debounce";
import "./search-picker.css";

/** How long typing pauses before the picker asks the API. */
export const PICKER_DEBOUNCE_MS = 250;

export interface PickerOptions<T> {
  items: T[];
  /** How many match in all (the API's count): more than shown says "type more". */
  count: number;
  isFetching: boolean;
  isError: boolean;
  /** The items are the previous search's, kept on screen while this one loads. */
  isPlaceholderData?: boolean;
}

/** A list query's first page (TanStack Query's result) as the picker's options. */
export function pageOptions<T>(query: {
  data?: { count: number; results: T[] };
  isFetching: boolean;
  isError: boolean;
  isPlaceholderData?: boolean;
}): PickerOptions<T> {
  return {
    items: query.data?.results ?? [],
    count: query.data?.count ?? 0,
    isFetching: query.isFetching,
    isError: query.isError,
    isPlaceholderData: query.isPlaceholderData,
  };
}

interface Props<T> {
  id: string;
  label: string;
  placeholder: string;
  /** The current choice, shown in the box while nothing is typed; null: none. */
  selected: T | null;
  onSelect: (item: T | null) => void;
  /** The first page of matches for the (debounced) typed text, from the API. */
  useOptions: (search: string) => PickerOptions<T>;
  itemKey: (item: T) => string;
  itemName: (item: T) => string;
  /** Beside the name (the device's owner), muted. */
  itemDetail?: (item: T) => string | null;
  /** A button clearing the choice (a filter: "all devices"). */
  clearLabel?: string;
}

/** Under the options: why there are none, or that more match than are shown. */
function note<T>(options: PickerOptions<T>, more: number, pending: boolean): string {
  if (options.isError) return "Could not search.";
  if (pending) return "Searching…";
  if (options.items.length === 0) return options.isFetching ? "Searching…" : "No match.";
  return more > 0 ? `${more} more: type more to narrow.` : "";
}

/**
 * A searchable combobox over an API list (downshift's `useCombobox`: the ARIA 1.2 combobox
 * pattern, keyboard and screen reader included). Each option is one line, cut with an ellipsis
 * and whole in its tooltip, so a long name never widens the page.
 */
export function SearchPicker<T>(props: Props<T>) {
  const { selected, itemName, itemDetail } = props;
  const [typed, setTyped] = useState("");
  const [search] = useDebounce(typed, PICKER_DEBOUNCE_MS);
  const options = props.useOptions(search.trim());
  // Only the current search's matches are offered: a list that changes under the pointer (the
  // previous search's, then this one's) would make a click pick by a stale position.
  const pending = typed !== search || options.isPlaceholderData === true;
  const items = pending ? [] : options.items;
  const combobox = useCombobox<T>({
    items,
    inputId: props.id,
    selectedItem: selected,
    itemToString: (item) => (item ? itemName(item) : ""),
    itemToKey: (item) => (item ? props.itemKey(item) : null),
    onInputValueChange: ({ inputValue, type }) => {
      // Picking an item writes its name into the box: that is not a search.
      if (type === useCombobox.stateChangeTypes.InputChange) setTyped(inputValue);
    },
    onSelectedItemChange: ({ selectedItem }) => {
      setTyped("");
      props.onSelect(selectedItem ?? null);
    },
  });
  const more = pending ? 0 : options.count - items.length;
  return (
    <div className="field inline picker">
      <label {...combobox.getLabelProps()}>{props.label}</label>
      <div className="picker-box">
        <input {...combobox.getInputProps({ placeholder: props.placeholder })} data-testid={`${props.id}-input`} />
        {props.clearLabel && selected && (
          <button
            type="button"
            className="secondary picker-clear"
            aria-label={props.clearLabel}
            onClick={() => combobox.selectItem(null)}
          >
            ×
          </button>
        )}
        <div className={combobox.isOpen ? "picker-drop open" : "picker-drop"}>
          <ul {...combobox.getMenuProps()} className="picker-menu">
            {combobox.isOpen &&
              items.map((item, index) => {
                const name = itemName(item);
                const detail = itemDetail?.(item);
                return (
                  <li
                    key={props.itemKey(item)}
                    data-key={props.itemKey(item)}
                    className={combobox.highlightedIndex === index ? "highlighted" : undefined}
                    title={detail ? `${name} — ${detail}` : name}
                    {...combobox.getItemProps({ item, index })}
                  >
                    <span className="truncate picker-name">{name}</span>
                    {detail && <span className="truncate picker-detail">{detail}</span>}
                  </li>
                );
              })}
          </ul>
          {combobox.isOpen && <p className="picker-note muted">{note(options, more, pending)}</p>}
        </div>
      </div>
    </div>
  );
}
