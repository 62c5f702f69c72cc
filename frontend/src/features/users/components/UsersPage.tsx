import { ListPage } from "../../../components/ListPage";
import { useListPage } from "../../../components/use-list-page";
import { useUsers } from "../../../api/users/list-users";
import { useCreateUser } from "../api/create-user";
import { useDeleteUser } from "../api/delete-user";
import type { UserProfile } from "../api/types";
import { useUpdateUser } from "../api/update-user";
import { UserForm } from "./UserForm";

const EMPTY = { username: "", password: "", full_name: "", email: "", role: "client" as const };

export function UsersPage() {
  const list = useListPage<UserProfile>({ defaultOrdering: "username" });
  const users = useUsers(list.query);
  const createUser = useCreateUser();
  const updateUser = useUpdateUser();
  const deleteUser = useDeleteUser();

  return (
    <ListPage
      title="Users"
      state={list}
      query={users}
      search={{ id: "user-search", placeholder: "username, name or e-mail" }}
      tableTestId="users-table"
      columns={[
        { header: "Username", sort: "username", cell: (user) => user.username, truncate: (user) => user.username },
        { header: "Full name", sort: "full_name", cell: (user) => user.full_name, truncate: (user) => user.full_name },
        { header: "E-mail", sort: "email", cell: (user) => user.email, truncate: (user) => user.email },
        { header: "Role", sort: "role", cell: (user) => <span className={`badge ${user.role}`}>{user.role}</span> },
      ]}
      noun="user"
      name={(user) => user.username}
      rowData={(user) => ({ "data-username": user.username })}
      emptyText="No users match."
      create={{
        label: "New user",
        mutation: createUser,
        form: (dialog) => <UserForm {...dialog} initial={EMPTY} editing={false} />,
        done: (values) => `Created user ${values.username}.`,
      }}
      edit={{
        mutation: updateUser,
        form: (user, dialog) => (
          <UserForm
            {...dialog}
            initial={{
              ...EMPTY,
              username: user.username,
              full_name: user.full_name,
              email: user.email,
              role: user.role,
            }}
            editing
            onSubmit={(changes) => dialog.onSubmit({ user, changes })}
          />
        ),
      }}
      remove={{
        mutation: deleteUser,
        message: (user) => `Delete ${user.username}? Their devices become unassigned. This cannot be undone.`,
      }}
    />
  );
}
