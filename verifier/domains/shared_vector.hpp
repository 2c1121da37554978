// SharedVector: a vector that copies of it share until one of them changes
// it (copy on write). Abstract states are copied at every instruction and
// most instructions leave their relations and their stack alone; sharing
// those lists keeps one copy for a whole run of instructions.
#pragma once

#include <memory>
#include <vector>

namespace sandbpf::verifier {

template <typename T>
class SharedVector {
 public:
  const std::vector<T>& get() const { return data_ ? *data_ : none(); }
  // For changing the elements: this copy's own vector from then on (so a
  // caller that only might change something checks with get() first).
  std::vector<T>& mut() {
    if (!data_) data_ = std::make_shared<std::vector<T>>();
    else if (data_.use_count() > 1) data_ = std::make_shared<std::vector<T>>(*data_);
    return *data_;
  }
  // Both share one vector (then they are equal without a look at it).
  bool same_storage(const SharedVector& o) const { return data_ == o.data_; }
  friend bool operator==(const SharedVector& a, const SharedVector& b) {
    return a.data_ == b.data_ || a.get() == b.get();
  }

 private:
  static const std::vector<T>& none() {
    static const std::vector<T> empty;
    return empty;
  }
  std::shared_ptr<std::vector<T>> data_;  // null: empty
};

}  // namespace sandbpf::verifier
